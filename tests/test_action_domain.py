"""Form validation actions get the domain without its responses (runtime.action_domain)."""

from __future__ import annotations

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from runtime import action_domain
from tests.stack import ROOT


def test_a_form_validation_call_carries_the_domain_without_responses_and_nothing_else_changes() -> None:
    domain = Domain.load(str(ROOT / "domain"))
    endpoint = EndpointConfig("http://localhost:5055/webhook", enable_selective_domain=True)
    tracker = DialogueStateTracker.from_events(
        "someone", [ActionExecuted("action_listen"), UserUttered("Chcę zarejestrować firmę")], domain.slots
    )
    action = RemoteAction("validate_registration_form", endpoint)
    rasa_body = action_domain._RASA_CALL_FORMAT(action, tracker, domain)  # noqa: SLF001
    body = action_domain.action_call_format(action, tracker, domain)

    assert "utter_faq/registration_cost" in rasa_body["domain"]["responses"]  # what Rasa would send
    assert "responses" not in body["domain"]
    assert body["domain"]["forms"]["registration_form"]["required_slots"][0] == "reg_first_name"
    assert body["domain"]["slots"].keys() == rasa_body["domain"]["slots"].keys()
    assert {k: v for k, v in body.items() if k != "domain"} == {k: v for k, v in rasa_body.items() if k != "domain"}

    # actions that Rasa sends no domain still get none
    plain = action_domain.action_call_format(RemoteAction("action_reg_start", endpoint), tracker, domain)
    assert "domain" not in plain


def test_install_puts_it_in_place_of_rasas_format() -> None:
    action_domain.install()
    assert RemoteAction._action_call_format is action_domain.action_call_format  # noqa: SLF001
