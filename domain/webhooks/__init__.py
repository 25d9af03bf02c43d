"""Webhooks out: signed deliveries of the programme's events to the brand's mall and CRM,
written in the same transaction as the event (an outbox) and sent by the worker."""
