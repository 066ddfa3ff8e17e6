"""Business registration by conversation (CEIDG-1 for a sole proprietorship).

Pure validation and formatting live in modules without Rasa imports (`identity`, `tax_ids`,
`contact`, `address`, `dates`, `choices`, `corrections`, `readback`), so they are unit-tested
directly; the Rasa actions (`form`, `ask`, `submit`, `correct`, `cancel`, `status`) only wire them
to slots and responses. The action server discovers the actions by importing this package.
"""
