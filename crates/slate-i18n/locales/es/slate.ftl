## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A, %-d de %B de %Y
time-short = %H:%M
email-deadline-value = { $date } (el enlace se cierra el { $closes }, hora de { $zone })
email-company = Empresa
email-position = Puesto
email-questions = Preguntas
email-duration = Duración estimada
email-duration-value = unos { $minutes } minutos
email-answer-by = Responder hasta el
email-requirements = Qué necesita
email-requirements-text = Un ordenador o un teléfono con cámara y micrófono, un navegador actualizado (Chrome, Firefox, Safari o Edge) y un lugar tranquilo. No hay que instalar nada.
email-button = Empezar la entrevista
email-link-fallback = Si el botón no funciona, copie esta dirección en su navegador:
email-bcc-note = Esta es su copia de la invitación enviada a { $email }.
email-review-button = Ver las respuestas
email-footer = Enviado por { $company } a través de Slate. Este enlace es personal: no reenvíe este correo.
email-live-start-value = { $date } (hora de { $zone })
email-live-start-also = { $date } en { $zone }
email-live-button = Confirmar o rechazar
email-live-calendar-note = La invitación adjunta añade la entrevista a su calendario en su propia zona horaria.
