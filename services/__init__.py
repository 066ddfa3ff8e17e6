"""The office's own back-end services without Rasa: storage of applications and ratings, privacy helpers,
the sentence encoders (embeddings.py) that the FAQ retriever and the analysts' clustering share."""
