"""Page citoyenne : programme du Mois de l'innovation publique et widget de conversation.

Un serveur aiohttp sert la page (DSFR), ses fichiers statiques et un mandataire de même origine
vers le canal REST de Rasa : le navigateur ne parle jamais directement au serveur Rasa.
"""
