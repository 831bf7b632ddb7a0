"""Display names for the codes the pages show (tiers, lanes, statuses, functions, roles, kinds).

Why a table: the stored values stay stable codes (`in_review`, `key_sector_user`), while people
read them in their language; `N_` marks each English name for extraction into the gettext catalog.
"""

from __future__ import annotations


def N_(text: str) -> str:
    return text


LABELS: dict[str, str] = {
    # tiers and lanes
    "low": N_("Low risk"), "medium": N_("Medium risk"), "high": N_("High risk"),
    "fast": N_("Fast lane"), "standard": N_("Standard lane"), "slow": N_("Slow lane"),
    # lifecycle
    "intake": N_("Intake"), "in_review": N_("In review"), "changes_requested": N_("Changes requested"),
    "approved": N_("Approved"), "live": N_("Live"), "retired": N_("Retired"),
    # obligations
    "open": N_("Open"), "in_progress": N_("In progress"), "met": N_("Met"), "not_applicable": N_("Not applicable"),
    "waived": N_("Waived"),
    # reviews
    "business": N_("Business"), "data": N_("Data governance"), "legal": N_("Legal and compliance"),
    "infosec": N_("Information security"), "senior": N_("Senior sign-off"),
    "approve": N_("Approve"), "send_back": N_("Send back"),
    # roles of people
    "admin": N_("Administrator"), "governance_lead": N_("Governance lead"), "owner": N_("Project owner"),
    "reviewer": N_("Reviewer"), "auditor": N_("Auditor"),
    # framework roles and kinds
    "developer": N_("Developer"), "provider": N_("Service provider"), "key_sector_user": N_("Key-sector user"),
    "public": N_("Public"), "regulator": N_("Regulator"), "state": N_("The state"),
    "principle": N_("Principle"), "section": N_("Section"), "risk": N_("Risk"), "countermeasure": N_("Countermeasure"),
    "measure": N_("Measure"), "guideline": N_("Guideline"),
    # text provenance
    "official": N_("Official text"), "official_excerpt": N_("Official excerpt"),
    "close_paraphrase": N_("Close paraphrase"), "third_party_translation": N_("Third-party translation"),
    "commentary": N_("Commentary"), "editorial": N_("Editorial"), "missing": N_("Missing"),
    "secondary": N_("Secondary source"),
    # audit actions
    "system.registered": N_("system registered"), "assessment.created": N_("assessment recorded"),
    "obligations.synced": N_("obligations updated from the decision"), "system.status_changed": N_("status changed"),
    "review.recorded": N_("review recorded"), "obligation.updated": N_("obligation updated"),
    "evidence.added": N_("evidence added"), "api_token.created": N_("API token created"),
    "api_token.revoked": N_("API token revoked"), "api_token.adopted": N_("API tokens taken over"),
    "catalog.overlay_imported": N_("catalog overlay imported"), "user.created": N_("account created"),
    "user.disabled": N_("account disabled"), "user.enabled": N_("account enabled"),
    "user.locked": N_("account locked after failed sign-ins"), "user.unlocked": N_("account unlocked"),
    "user.logged_out_everywhere": N_("signed out everywhere"), "user.mfa_enrolled": N_("two-step sign-in turned on"),
    "user.mfa_reset": N_("two-step sign-in reset"), "user.password_changed": N_("password changed"),
    "user.recovery_code_used": N_("recovery code used"), "user.role_changed": N_("role changed"),
    "user.signed_in_oidc": N_("signed in through the identity provider"),
    # go-live gate, waivers, retirement (registry.gates)
    "system.go_live_overridden": N_("put live by override"), "system.reinstated": N_("system reinstated"),
    "obligations.dated_at_launch": N_("due dates set at launch"), "waiver.requested": N_("waiver requested"),
    "waiver.approved": N_("waiver approved"), "waiver.refused": N_("waiver refused"),
    "waiver.expired": N_("waiver expired, obligation reopened"), "systems.reassessed": N_("systems reassessed"),
    "gap_open": N_("open"), "gap_in_progress": N_("in progress"), "gap_met_without_evidence": N_("met, but no evidence "
    "or sign-off"), "gap_not_applicable_without_reason": N_("not applicable, but no reason"),
    "gap_waiver_requested": N_("waiver requested, not yet decided"), "gap_waiver_expired": N_("waiver expired"),
    "gap_review_missing": N_("review not yet approved"),
    "waiver_requested": N_("requested"), "waiver_approved": N_("approved"), "waiver_refused": N_("refused"),
    "waiver_legacy": N_("granted before the second-person rule"), "waiver_expired": N_("expired"),
    # lineage vocabulary (aisgf.lineage.choices), prefixed: "open" data is not an "open" obligation
    "lineage.foundation": N_("Foundation model"),
    "lineage.fine_tune": N_("Fine-tune"),
    "lineage.adapter": N_("Adapter (LoRA)"),
    "lineage.distillation": N_("Distillation"),
    "lineage.quantisation": N_("Quantisation"),
    "lineage.merge": N_("Merge"),
    "lineage.classical": N_("Classical ML"),
    "lineage.api_use": N_("Used through its API"),
    "lineage.hub": N_("Model hub"),
    "lineage.path": N_("Own storage"),
    "lineage.vendor_api": N_("Vendor API"),
    "lineage.none": N_("None"),
    "lineage.collected": N_("Collected"),
    "lineage.purchased": N_("Purchased"),
    "lineage.open": N_("Open data"),
    "lineage.synthetic": N_("Synthetic"),
    "lineage.user_interactions": N_("User interactions"),
    "lineage.training": N_("Training"),
    "lineage.fine_tuning": N_("Fine-tuning"),
    "lineage.evaluation": N_("Evaluation"),
    "lineage.retrieval": N_("Retrieval corpus"),
    "lineage.vendor": N_("Vendor"),
    "lineage.publisher": N_("Publisher"),
    "lineage.candidate": N_("Candidate"),
    "lineage.due_diligence": N_("Due diligence"),
    "lineage.admitted": N_("Admitted"),
    "lineage.suspended": N_("Suspended"),
    "lineage.exited": N_("Exited"),
    "lineage.blocker": N_("Blocker"),
    "lineage.warning": N_("Warning"),
    "lineage.ok": N_("OK"),
    "lineage.model_api": N_("Model API"),
    "lineage.weights": N_("Model weights"),
    "lineage.data": N_("Data"),
    "lineage.annotation": N_("Annotation"),
    "lineage.compute": N_("Compute"),
    "lineage.chips": N_("Chips"),
    "lineage.software": N_("Software"),
    "lineage.chip": N_("Chip"),
    "lineage.tool": N_("Tool"),
    "lineage.data_resource": N_("Data resource"),
    "lineage.primary": N_("Primary model"),
    "lineage.guard": N_("Guard model"),
    "lineage.embedding": N_("Embedding model"),
    "lineage.other": N_("Other"),
    "lineage.responsibility": N_("Responsibility documentation"),
    "lineage.model_card": N_("Model card"),
    "lineage.datasheet": N_("Datasheet"),
    "working_days": N_("working days"), "days": N_("days"), "hours": N_("hours"), "months": N_("months"),
}

# Titles of the problems the pages show (aisgf.errors and the web layer's own)
PROBLEM_TITLES = (
    N_("Invalid input"), N_("Not found"), N_("Conflict"), N_("Unauthorized"), N_("Forbidden"),
    N_("Payload too large"), N_("Database unavailable"), N_("Integrity check failed"), N_("Check failed"),
    N_("Access denied"), N_("Form expired"), N_("Unsupported file type"), N_("Account locked"), N_("Error"),
)
