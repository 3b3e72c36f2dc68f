#!/usr/bin/python3
"""The base of `engage generate --company-touches` checked with h5py (tests/e2e/touches.sh).

  generate_touches_h5py.py TOUCHES PLAIN   TOUCHES generated with --company-touches, PLAIN without, same
                                  seed and sizes

TOUCHES: 17 channels (offer, support_reply, idea_feedback at 14-16); initiator 1 exactly on the
company's kinds; every answer k > 0 points k rows back within the customer to a row not later
than it and of the right kind (support_reply -> support_ticket, idea_feedback -> idea_submitted,
a purchase or content_view -> offer), and nothing else answers; every ticket answered at most
twice, every offer at most once; the planted truth per customer.
PLAIN: the 14 channels, no initiator or answers, no planted truth beyond engagement and churn.
Both: the same customers (the touches draw from their own streams); the churn day the same
wherever the planted support is not slow (median reply at most a day), never later where it is.
"""
import sys

import h5py
import numpy as np

touches_path, plain_path = sys.argv[1:3]
errors = []


def check(ok, message):
    if not ok:
        errors.append(message)


with h5py.File(touches_path, "r") as t, h5py.File(plain_path, "r") as p:
    names = [n.decode() if isinstance(n, bytes) else n for n in t["/channels/name"][:]]
    check(len(names) == 17 and names[14:] == ["offer", "support_reply", "idea_feedback"],
          f"{touches_path}: channels {names}")
    code = {n: i for i, n in enumerate(names)}
    offsets = t["/interactions/offsets"][:].astype(np.int64)
    channel = t["/interactions/channel"][:].astype(np.int64)
    time = t["/interactions/time"][:]
    value = t["/interactions/value"][:]
    initiator = t["/interactions/initiator"][:]
    answers = t["/interactions/answers"][:].astype(np.int64)
    m = len(time)
    check(len(initiator) == m and len(answers) == m, "initiator or answers of another length than time")

    company = np.isin(channel, [code["offer"], code["support_reply"], code["idea_feedback"]])
    check(np.array_equal(initiator, company.astype(initiator.dtype)),
          "initiator is not 1 exactly on the company's kinds")

    # Each row's customer, and its position within the customer.
    customer = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    position = np.arange(m) - offsets[customer]
    rows = np.nonzero(answers)[0]
    check(np.all(answers[rows] <= position[rows]), "an answer points before its customer's first row")
    target = rows - answers[rows]
    check(np.all(time[target] <= time[rows]), "an answer dated before what it answers")
    check(np.all(customer[target] == customer[rows]), "an answer points into another customer")
    expected = {code["support_reply"]: [code["support_ticket"]],
                code["idea_feedback"]: [code["idea_submitted"]],
                code["purchase"]: [code["offer"]], code["content_view"]: [code["offer"]]}
    for kind in np.unique(channel[rows]):
        to = np.unique(channel[target[channel[rows] == kind]])
        check(int(kind) in expected and set(to.tolist()) <= set(expected[int(kind)]),
              f"rows of {names[kind]} answer {[names[k] for k in to]}")
    for kind in (code["support_reply"], code["idea_feedback"]):
        check(np.all(answers[channel == kind] > 0), f"a {names[kind]} that answers nothing")
    times_answered = np.bincount(target, minlength=m)
    check(times_answered[channel == code["offer"]].max() <= 1, "an offer answered twice")
    check(times_answered[channel == code["support_ticket"]].max() <= 2, "a ticket answered more than twice")
    check(set(np.unique(value[channel == code["support_reply"]]).tolist()) == {1.0, 2.0},
          "support_reply values are not 1 and 2")
    check(set(np.unique(value[channel == code["idea_feedback"]]).tolist()) == {1.0, 2.0, 3.0},
          "idea_feedback values are not 1, 2 and 3")
    # Sorted within each customer.
    same = customer[1:] == customer[:-1]
    check(np.all(time[1:][same] >= time[:-1][same]), "times not sorted within a customer")

    engagement = t["/truth/engagement"][:]
    probability = t["/truth/offer_response_probability"][:]
    median = t["/truth/support_median_seconds"][:]
    check(np.allclose(probability, 0.05 + 0.5 * engagement, rtol=0, atol=1e-15),
          "offer_response_probability is not 0.05 + 0.5 engagement")
    check(median.min() > 0 and np.isfinite(median).all(), "support_median_seconds not positive")

    # The flagless base: none of the touches, the same customers.
    check(len(p["/channels/name"]) == 14, "the flagless base does not have 14 channels")
    for d in ("/interactions/initiator", "/interactions/answers", "/truth/offer_response_probability",
              "/truth/support_median_seconds"):
        check(d not in p, f"the flagless base has {d}")
    check(p.attrs["schema_version"] == t.attrs["schema_version"], "schema versions differ")
    for d in ("/customers/id", "/customers/acquisition_day", "/customers/rm", "/customers/region",
              "/customers/segment", "/truth/engagement"):
        check(np.array_equal(t[d][:], p[d][:]), f"{d} differs between the bases with and without touches")
    churn_t, churn_p = t["/truth/churn_day"][:], p["/truth/churn_day"][:]
    fast = median <= 86400
    check(np.array_equal(churn_t[fast], churn_p[fast]), "the touches moved the churn day of a fast-support customer")
    end_t = np.where(churn_t < 0, 1 << 30, churn_t)
    end_p = np.where(churn_p < 0, 1 << 30, churn_p)
    check(np.all(end_t[~fast] <= end_p[~fast]), "slow support delayed a churn")
    check(np.sum(end_t[~fast] < end_p[~fast]) > 100, "slow support brought few churns forward")

if errors:
    print("FAIL: " + "\n".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"touches_h5py: {m} rows, {len(rows)} answers of the right kinds")
