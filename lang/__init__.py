"""Language codes and Rasa-free text helpers, shared by NLU components, actions, services and tools."""
