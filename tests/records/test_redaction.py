"""No password in a message: results-store and LRS addresses may carry one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.records.redaction import redacted
from tests.conftest import REPO, run_cli

TOUR = REPO / "docs" / "examples" / "format-tour.yaml"


def test_a_password_in_an_address_is_hidden_and_the_rest_kept() -> None:
    text = "store postgresql://ann:hunter2@db.example:5432/results refused; see http://x:y@lrs/"
    assert redacted(text) == (
        "store postgresql://ann:***@db.example:5432/results refused; see http://x:***@lrs/"
    )


PASSWORD_CHARACTERS = st.characters(
    blacklist_characters="/@:", blacklist_categories=("Cc", "Zs", "Zl", "Zp")
)


@given(st.text(alphabet=PASSWORD_CHARACTERS, min_size=1, max_size=30))
def test_no_password_survives(password: str) -> None:
    assert redacted(f"postgresql://user:{password}@host/db") == "postgresql://user:***@host/db"


def test_a_store_that_cannot_be_reached_never_prints_its_password() -> None:
    done = run_cli(
        "run",
        str(TOUR),
        "--choices",
        "2",
        "--seed",
        "1",
        "--results",
        "postgresql://ann:hunter2@127.0.0.1:1/nowhere",
    )
    assert "hunter2" not in done.stdout + done.stderr
    assert "postgresql://ann:***@127.0.0.1:1/nowhere" in done.stderr
