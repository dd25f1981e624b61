import datetime
from decimal import Decimal

from risks import services
from risks.models import Fund, RiskRegister, RiskSharingScenario
from tests.grid import API_VIEW, EDIT_FUNDS, EDIT_RISKS, VIEW, Rule


def _register(plan) -> RiskRegister:
    register = RiskRegister.objects.filter(plan=plan).first()
    if register is None:
        register = services.register_create(plan=plan, categories=["Risks to plan delivery"])
    return register


def _with_register(plan) -> dict:
    _register(plan)
    return {"pk": plan.pk}


def _risk(plan) -> dict:
    register = _register(plan)
    risk = register.risks.first() or services.risk_create(
        register=register,
        category=register.categories.first(),
        description="Delays or slippage on delivery of components of the plan",
        likelihood="4",
        impact="3",
        next_review=datetime.date(2014, 6, 30),
    )
    return {"pk": plan.pk, "risk_pk": risk.pk}


def _scenario(plan) -> dict:
    scenario = RiskSharingScenario.objects.filter(plan=plan).first() or services.scenario_create(
        plan=plan, letter="a", title="Trajectory for avoidable emergency admissions not achieved"
    )
    return {"pk": plan.pk, "scenario_pk": scenario.pk}


def _fund(plan) -> dict:
    fund = Fund.objects.filter(plan=plan).first() or services.fund_create(
        plan=plan,
        kind=Fund.Kind.CONTINGENCY,
        year=plan.first_year,
        name="Contingency",
        amount=Decimal("1300000.00"),
    )
    return {"pk": plan.pk, "fund_pk": fund.pk}


def _risk_plan(plan) -> dict:
    return {"pk": _risk(plan)["pk"]}


RULES = {
    "risks:register": Rule(VIEW, _risk_plan),
    "risks:register_edit": Rule(EDIT_RISKS),
    "risks:risk_create": Rule(EDIT_RISKS, _with_register),
    "risks:risk_import": Rule(EDIT_RISKS, _with_register),
    "risks:heat_map": Rule(VIEW, _risk_plan),
    "risks:risk_history": Rule(VIEW, _risk_plan),
    "risks:risk_detail": Rule(VIEW, _risk),
    "risks:risk_edit": Rule(EDIT_RISKS, _risk),
    "risks:risk_review": Rule(EDIT_RISKS, _risk),
    "risks:scenario_list": Rule(VIEW, lambda plan: {"pk": _scenario(plan)["pk"]}),
    "risks:scenario_create": Rule(EDIT_RISKS),
    "risks:scenario_edit": Rule(EDIT_RISKS, _scenario),
    "risks:fund_list": Rule(VIEW, lambda plan: {"pk": _fund(plan)["pk"]}),
    "risks:fund_create": Rule(EDIT_FUNDS),
    "risks:fund_history": Rule(VIEW, lambda plan: {"pk": _fund(plan)["pk"]}),
    "risks:fund_release": Rule(EDIT_FUNDS, _fund),
    "api-plan-risks": Rule(API_VIEW, lambda plan: {"pk": _risk(plan)["pk"]}),
    "api-plan-funds": Rule(API_VIEW, lambda plan: {"pk": _fund(plan)["pk"]}),
}
