"""In Chromium: a model page loads its lineage graph (the server-rendered SVG) as an image, and neither the
page nor the image breaks the Content-Security-Policy; a hostile model name stays text."""

from __future__ import annotations

from typing import Any

import pytest

from aisgf.lineage import services as lin
from tests.e2e.conftest import LiveServer
from tests.e2e.test_csp import Watched
from tests.people import who
from tests.web.helpers import make_user

HOSTILE = "<script>alert(1)</script>"


@pytest.mark.slow
def test_the_model_page_draws_its_lineage_under_the_policy(browser: Any, live: LiveServer) -> None:
    make_user(live.db, "lin-owner", "owner")
    with live.db.session() as s:
        gina = who(s, "lin-gina")
        base = lin.add_model(s, by=gina, name="base-llm", kind="foundation", accountable_team="ML team")
        tuned = lin.add_model(s, by=gina, name=HOSTILE, kind="fine_tune", accountable_team="ML team")
        lin.add_edge(s, tuned.id, base.id, "fine_tune", by=gina)
        s.commit()
        model_id = tuned.id

    w = Watched(browser, live, lang="en")
    dialogs: list[str] = []
    w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    w.sign_in(live, "lin-owner")
    w.visit(f"/models/{model_id}")
    img = w.page.locator("#lineage-graph")
    img.wait_for()
    w.page.wait_for_function("document.getElementById('lineage-graph').complete")
    size = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert size[0] > 0 and size[1] > 0, size
    assert w.page.locator("#model-name").inner_text().startswith(HOSTILE)
    w.clean("model page with its lineage image")
    svg = w.page.goto(f"/models/{model_id}/lineage.svg")
    assert svg is not None and svg.status == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    w.page.wait_for_load_state("networkidle")
    assert not dialogs, dialogs  # opened on its own, the SVG runs nothing
    w.visit("/models")
    w.clean("models list")
