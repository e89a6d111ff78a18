## Slate — words shared by emails (and, later, the candidate's pages).
## date-long and time-short are chrono format strings for this language.

date-long = %A %-d %B %Y
time-short = %H:%M
email-deadline-value = { $date } (le lien se ferme le { $closes }, heure de { $zone })
email-company = Entreprise
email-position = Poste
email-questions = Questions
email-duration = Durée estimée
email-duration-value = environ { $minutes } minutes
email-answer-by = Répondre avant la fin du
email-requirements = Ce qu’il vous faut
email-requirements-text = Un ordinateur ou un téléphone avec caméra et micro, un navigateur récent (Chrome, Firefox, Safari ou Edge) et un endroit calme. Rien à installer.
email-button = Commencer l’entretien
email-link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
email-bcc-note = Ceci est votre copie de l’invitation envoyée à { $email }.
email-review-button = Voir les réponses
email-footer = Envoyé par { $company } via Slate. Ce lien vous est personnel : merci de ne pas transférer cet e-mail.
email-live-start-value = { $date } (heure de { $zone })
email-live-start-also = { $date } à l’heure de { $zone }
email-live-button = Confirmer ou décliner
email-live-calendar-note = L’invitation jointe ajoute l’entretien à votre agenda, dans votre propre fuseau horaire.
