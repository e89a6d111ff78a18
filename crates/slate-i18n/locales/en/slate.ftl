## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A, %-d %B %Y
time-short = %H:%M
email-deadline-value = { $date } (the link closes on { $closes }, { $zone } time)
email-company = Company
email-position = Position
email-questions = Questions
email-duration = Estimated time
email-duration-value = about { $minutes } minutes
email-answer-by = Answer by
email-requirements = What you need
email-requirements-text = A computer or phone with a camera and microphone, a current browser (Chrome, Firefox, Safari or Edge) and a quiet place. There is nothing to install.
email-button = Start the interview
email-link-fallback = If the button does not work, copy this address into your browser:
email-bcc-note = This is your copy of the invitation sent to { $email }.
email-review-button = Review the answers
email-footer = Sent by { $company } through Slate. This link is personal: please do not forward this email.
email-live-start-value = { $date } ({ $zone } time)
email-live-start-also = { $date } in { $zone }
email-live-button = Confirm or decline
email-live-calendar-note = The attached invitation adds the interview to your calendar in your own time zone.
