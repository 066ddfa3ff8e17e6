"""Rasa-free rules of the conversation itself (which language it is in), shared by actions and tools."""
