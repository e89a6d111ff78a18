## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A, %-d de %B de %Y
time-short = %H:%M
email-deadline-value = { $date } (o link fecha a { $closes }, hora de { $zone })
email-company = Empresa
email-position = Função
email-questions = Perguntas
email-duration = Duração estimada
email-duration-value = cerca de { $minutes } minutos
email-answer-by = Responder até
email-requirements = O que precisa
email-requirements-text = Um computador ou telemóvel com câmara e microfone, um navegador atualizado (Chrome, Firefox, Safari ou Edge) e um lugar sossegado. Não é preciso instalar nada.
email-button = Começar a entrevista
email-link-fallback = Se o botão não funcionar, copie este endereço para o seu navegador:
email-bcc-note = Esta é a sua cópia do convite enviado a { $email }.
email-review-button = Ver as respostas
email-footer = Enviado por { $company } através do Slate. Este link é pessoal: não reencaminhe este e-mail.
email-live-start-value = { $date } (hora de { $zone })
email-live-start-also = { $date } em { $zone }
email-live-button = Confirmar ou recusar
email-live-calendar-note = O convite em anexo adiciona a entrevista ao seu calendário no seu próprio fuso horário.
