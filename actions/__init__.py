"""The rasa-sdk action server (`rasa run actions`). Submodules are discovered automatically."""
