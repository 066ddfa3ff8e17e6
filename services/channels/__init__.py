"""Channel plumbing without Rasa: the channel capabilities table, provider settings, API clients,
inbound de-duplication, phone numbers.

The Rasa connectors in `channels/` use it; so can the console (sending an agent's reply) or a
reminder job, without importing Rasa.
"""
