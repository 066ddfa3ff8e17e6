"""The analysts' loop without Rasa: harvest logged questions, mask them, cluster them, label them into kb/."""
