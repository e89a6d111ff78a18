## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %-d %B %Y
time-short = %H:%M
email-deadline-value = { $date } (ο σύνδεσμος κλείνει στις { $closes }, ώρα { $zone })
email-company = Εταιρεία
email-position = Θέση
email-questions = Ερωτήσεις
email-duration = Εκτιμώμενη διάρκεια
email-duration-value = περίπου { $minutes } λεπτά
email-answer-by = Απαντήσεις έως
email-requirements = Τι χρειάζεστε
email-requirements-text = Υπολογιστή ή κινητό με κάμερα και μικρόφωνο, έναν σύγχρονο φυλλομετρητή (Chrome, Firefox, Safari ή Edge) και ένα ήσυχο μέρος. Δεν χρειάζεται εγκατάσταση.
email-button = Έναρξη συνέντευξης
email-link-fallback = Αν το κουμπί δεν λειτουργεί, αντιγράψτε αυτή τη διεύθυνση στον φυλλομετρητή σας:
email-bcc-note = Αυτό είναι το αντίγραφό σας της πρόσκλησης προς { $email }.
email-review-button = Δείτε τις απαντήσεις
email-footer = Στάλθηκε από { $company } μέσω του Slate. Ο σύνδεσμος είναι προσωπικός: μην προωθήσετε αυτό το μήνυμα.
email-live-start-value = { $date } (ώρα { $zone })
email-live-start-also = { $date } σε { $zone }
email-live-button = Επιβεβαίωση ή απόρριψη
email-live-calendar-note = Η συνημμένη πρόσκληση προσθέτει τη συνέντευξη στο ημερολόγιό σας, στη δική σας ζώνη ώρας.
