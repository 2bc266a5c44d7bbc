"""Assistant du Mois de l'innovation publique : logique métier indépendante de Rasa."""
