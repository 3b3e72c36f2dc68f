#!/usr/bin/env python3
"""report.json against docs/report.schema.json (issue 15, item 4), with Debian's python3-jsonschema.

  report_schema.py SCHEMA REPORT...        validate each report; print every error with its JSON path
  report_schema.py SCHEMA --self-test REPORT
                                           the schema can fail: REPORT (a valid report with the
                                           retention study) mutated in known ways must be rejected,
                                           each with an error at the mutated place

The schema itself is checked first (Draft202012Validator.check_schema), and every "$ref" in it
must resolve, so that a misspelt reference fails here rather than only when a report reaches it.
Exit 0 when all hold, 1 otherwise."""
import copy
import json
import sys

from jsonschema import Draft202012Validator


def load_validator(path):
    with open(path) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    for ref in sorted(set(refs)):
        validator.resolver.resolve(ref)  # raises RefResolutionError when it does not resolve
    return validator


def errors_of(validator, report):
    return sorted(validator.iter_errors(report), key=lambda e: list(map(str, e.absolute_path)))


def validate(validator, paths):
    failed = 0
    for path in paths:
        with open(path) as f:
            report = json.load(f)
        errors = errors_of(validator, report)
        for e in errors:
            print(f"{path}: {e.json_path}: {e.message}", file=sys.stderr)
        if errors:
            failed += 1
        else:
            sections = ", ".join(k for k in report if isinstance(report[k], dict))
            print(f"{path}: valid ({sections})")
    return failed


def self_test(validator, path):
    with open(path) as f:
        report = json.load(f)
    if errors_of(validator, report):
        print(f"FAIL: {path} is not valid to start with", file=sys.stderr)
        return 1
    for key in ("retention", "study", "survival"):
        if key not in report:
            print(f"FAIL: {path} has no {key} section: the self-test needs a report with the study", file=sys.stderr)
            return 1

    def misspell_tier(r):
        r["accounts_at_risk"]["corporate"]["top_accounts"][0]["tier"] = "not_engagd"
        return "$.accounts_at_risk.corporate.top_accounts[0].tier"

    def misspell_tier_key(r):
        tiers = r["engagement"]["corporate"]["tiers"]
        tiers["fully_engagd"] = tiers.pop("fully_engaged")
        return "$.engagement.corporate.tiers"

    def share_above_one(r):
        r["engagement"]["corporate"]["tier_shares"]["engaged"] = 1.5
        return "$.engagement.corporate.tier_shares.engaged"

    def survival_above_one(r):
        r["survival"]["by_tier"][2]["survival_at_days"]["30"] = 1.5
        return "$.survival.by_tier[2].survival_at_days.30"

    def required_key_removed(r):
        del r["engagement"]["corporate"]["mean_score"]
        return "$.engagement.corporate"

    def required_section_removed(r):
        del r["accounts_at_risk"]
        return "$"

    def extra_key_in_fixed_object(r):
        r["data"]["customers_imported"] = 12
        return "$.data"

    def unknown_section(r):
        r["company_touches"] = {}
        return "$"

    def negative_count(r):
        r["business_units"][0]["customers"] = -1
        return "$.business_units[0].customers"

    def score_above_100(r):
        r["accounts_at_risk"]["corporate"]["top_accounts"][0]["score"] = 100.5
        return "$.accounts_at_risk.corporate.top_accounts[0].score"

    def null_count(r):
        r["retention"]["customers_with_a_purchase"] = None
        return "$.retention.customers_with_a_purchase"

    def unknown_kind(r):
        r["corporate"]["channels"][0]["kind"] = "purchases"
        return "$.corporate.channels[0].kind"

    def study_without_survival(r):
        del r["survival"]
        return "$"

    def models_out_of_order(r):
        m = r["retention"]["models"]
        m[0], m[1] = m[1], m[0]
        return "$.retention.models[0].model"

    def not_fitted_with_parameters(r):
        r["retention"]["models"][0]["fitted"] = False
        return "$.retention.models[0]"

    mutations = [misspell_tier, misspell_tier_key, share_above_one, survival_above_one, required_key_removed,
                 required_section_removed, extra_key_in_fixed_object, unknown_section, negative_count, score_above_100,
                 null_count, unknown_kind, study_without_survival, models_out_of_order, not_fitted_with_parameters]
    failed = 0
    for mutate in mutations:
        r = copy.deepcopy(report)
        where = mutate(r)
        errors = errors_of(validator, r)
        # The error at the mutated place, or in a combinator (allOf, anyOf, if/then) above it whose
        # context holds one there.
        def at(e):
            return e.json_path == where or any(at(c) for c in (e.context or []))
        if not any(at(e) for e in errors):
            failed += 1
            found = "; ".join(f"{e.json_path}: {e.message[:100]}" for e in errors) or "no error at all"
            print(f"FAIL: {mutate.__name__}: no error at {where} ({found})", file=sys.stderr)
        else:
            print(f"{mutate.__name__}: rejected at {where}")
    return failed


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    validator = load_validator(argv[1])
    if argv[2] == "--self-test":
        failed = self_test(validator, argv[3])
    else:
        failed = validate(validator, argv[2:])
    if failed:
        print(f"FAIL: {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
