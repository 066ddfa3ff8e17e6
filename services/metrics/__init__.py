"""The service dashboard's figures (no Rasa imports): from the tracker store, tickets, ratings, clusters."""
