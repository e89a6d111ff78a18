## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A %-d %B %Y
time-short = %H:%M
email-deadline-value = { $date } (il link si chiude il { $closes }, ora di { $zone })
email-company = Azienda
email-position = Posizione
email-questions = Domande
email-duration = Durata stimata
email-duration-value = circa { $minutes } minuti
email-answer-by = Rispondere entro
email-requirements = Cosa serve
email-requirements-text = Un computer o uno smartphone con fotocamera e microfono, un browser aggiornato (Chrome, Firefox, Safari o Edge) e un luogo tranquillo. Non serve installare nulla.
email-button = Inizia il colloquio
email-link-fallback = Se il pulsante non funziona, copia questo indirizzo nel browser:
email-bcc-note = Questa è la tua copia dell’invito inviato a { $email }.
email-review-button = Guarda le risposte
email-footer = Inviato da { $company } tramite Slate. Questo link è personale: non inoltrare questa email.
email-live-start-value = { $date } (ora di { $zone })
email-live-start-also = { $date } a { $zone }
email-live-button = Conferma o rifiuta
email-live-calendar-note = L’invito allegato aggiunge il colloquio al tuo calendario nel tuo fuso orario.
