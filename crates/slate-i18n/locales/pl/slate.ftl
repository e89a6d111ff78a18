## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %-d %B %Y
time-short = %H:%M
email-deadline-value = { $date } (link wygasa { $closes }, strefa czasowa { $zone })
email-company = Firma
email-position = Stanowisko
email-questions = Pytania
email-duration = Szacowany czas
email-duration-value = około { $minutes } minut
email-answer-by = Odpowiedzi do
email-requirements = Czego potrzebujesz
email-requirements-text = Komputera lub telefonu z kamerą i mikrofonem, aktualnej przeglądarki (Chrome, Firefox, Safari lub Edge) i spokojnego miejsca. Niczego nie trzeba instalować.
email-button = Rozpocznij rozmowę
email-link-fallback = Jeśli przycisk nie działa, skopiuj ten adres do przeglądarki:
email-bcc-note = To jest Twoja kopia zaproszenia wysłanego na adres { $email }.
email-review-button = Zobacz odpowiedzi
email-footer = Wysłane przez { $company } za pośrednictwem Slate. Ten link jest osobisty: nie przesyłaj dalej tej wiadomości.
email-live-start-value = { $date } (strefa { $zone })
email-live-start-also = { $date } w strefie { $zone }
email-live-button = Potwierdź lub odrzuć
email-live-calendar-note = Załączone zaproszenie doda rozmowę do Twojego kalendarza w Twojej strefie czasowej.
