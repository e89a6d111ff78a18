## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A, %-d. %B %Y
time-short = %H:%M
email-deadline-value = { $date } (der Link schließt am { $closes }, Zeitzone { $zone })
email-company = Unternehmen
email-position = Position
email-questions = Fragen
email-duration = Geschätzte Dauer
email-duration-value = etwa { $minutes } Minuten
email-answer-by = Antworten bis
email-requirements = Was Sie brauchen
email-requirements-text = Einen Computer oder ein Smartphone mit Kamera und Mikrofon, einen aktuellen Browser (Chrome, Firefox, Safari oder Edge) und einen ruhigen Ort. Sie müssen nichts installieren.
email-button = Interview starten
email-link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
email-bcc-note = Dies ist Ihre Kopie der Einladung an { $email }.
email-review-button = Antworten ansehen
email-footer = Gesendet von { $company } über Slate. Dieser Link ist persönlich: Bitte leiten Sie diese E-Mail nicht weiter.
email-live-start-value = { $date } (Zeitzone { $zone })
email-live-start-also = { $date } in { $zone }
email-live-button = Zusagen oder absagen
email-live-calendar-note = Die angehängte Einladung trägt den Termin in Ihrer eigenen Zeitzone in Ihren Kalender ein.
