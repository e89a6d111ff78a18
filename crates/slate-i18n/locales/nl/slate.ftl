## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A %-d %B %Y
time-short = %H:%M
email-deadline-value = { $date } (de link sluit op { $closes }, tijdzone { $zone })
email-company = Bedrijf
email-position = Functie
email-questions = Vragen
email-duration = Geschatte duur
email-duration-value = ongeveer { $minutes } minuten
email-answer-by = Antwoorden tot en met
email-requirements = Wat je nodig hebt
email-requirements-text = Een computer of telefoon met camera en microfoon, een recente browser (Chrome, Firefox, Safari of Edge) en een rustige plek. Je hoeft niets te installeren.
email-button = Start het interview
email-link-fallback = Werkt de knop niet? Kopieer dit adres naar je browser:
email-bcc-note = Dit is jouw kopie van de uitnodiging aan { $email }.
email-review-button = Bekijk de antwoorden
email-footer = Verstuurd door { $company } via Slate. Deze link is persoonlijk: stuur deze e-mail niet door.
email-live-start-value = { $date } (tijdzone { $zone })
email-live-start-also = { $date } in { $zone }
email-live-button = Bevestigen of afslaan
email-live-calendar-note = Met de bijgevoegde uitnodiging komt het gesprek in je agenda, in je eigen tijdzone.
