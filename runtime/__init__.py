"""Run-time pieces of the Rasa server that are neither channels nor stores (see each module)."""
