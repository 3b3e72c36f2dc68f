"""Issue 18 end to end: `touches.py write BASE` writes a schema-2 base of 40 customers with
planned offers, answers, support tickets and replies, ideas and feedback, in two business units;
`touches.py check OUT BASE` recomputes every touches measure from the base's rows, independently
of the C++ kernels (a plain reading of docs/metrics.md, "Touches"), and compares them exactly with
customers.csv, report.json and touches.csv in OUT. As of day 119 (2024-04-29), 60-day window
(days 60-119), trend date day 89 (window 30-89)."""
import csv
import json
import math
import sys

import h5py
import numpy as np

DAY = 86400
KINDS = ["purchase", "usage", "support", "complaint", "survey", "review", "referral", "event", "community", "idea",
         "idea_vote", "content", "social", "cocreation", "offer", "support_reply", "idea_feedback"]
CODE = {k: i for i, k in enumerate(KINDS)}
N = 40
AS_OF, WINDOW, PREVIOUS = 119, 60, 89
MIN_GROUP = 10
DELAYS = [60, 180, 299, 300, 301, 3000, 3600, 3601, 7200, 86400, 86401, 90000, 3 * DAY, 40 * DAY, None]


def attributes(i):
    """business unit, region, rm, segment, acquisition day"""
    rm = 0 if i < 15 else 1 if i < 30 else 2 if i < 37 else 3
    return i % 2, (i // 2) % 2, rm, i % 3, (100 if i >= 38 else 0)


def plan(i):
    """The customer's rows: (time, kind, value, initiator, id, id answered or None), unsorted."""
    ev = []

    def add(t, kind, value, initiator, answers=None):
        ev.append((t, kind, value, initiator, len(ev), answers))
        return len(ev) - 1

    acq = attributes(i)[4]
    for n in range(i % 4):  # offers, most answered, some twice
        t = (30 + 25 * n + (i % 5) * 3) * DAY + 3600 * (i % 7)
        if t < acq * DAY:
            continue
        o = add(t, "offer", 0.0, 1)
        if (i + n) % 3 != 0:
            d = (i * 37 + n * 1000) % 200000 + 30
            add(t + d, "usage", 1.0, 0, o)
            if (i + n) % 5 == 0:
                add(t + d + 500, "purchase", 15.0, 0, o)
    for n in range(i % 3):  # tickets and the company's replies
        t = (40 + 25 * n + i % 7) * DAY + 1000 * (i % 11)
        if t < acq * DAY:
            t = (acq + 1) * DAY + 100 * n
        k = add(t, "support", 1.0, 0)
        d = DELAYS[(i * 3 + n) % len(DELAYS)]
        if d is not None:
            add(t + d, "support_reply", 1.0, 1, k)
            if (i + n) % 2 == 0:
                add(t + d + 5000, "support_reply", 2.0, 1, k)
    if i % 4 == 0:  # ideas and the company's feedback
        t = (60 + i % 10) * DAY + 7200
        k = add(t, "idea", 1.0, 0)
        if i % 8 == 0:
            add(t + DAY, "idea_feedback", 1.0, 1, k)
            add(t + 10 * DAY, "idea_feedback", 3.0, 1, k)
        else:
            add(t + 2 * DAY, "idea_feedback", 2.0, 1, k)
        add(t - 20 * DAY, "idea", 1.0, 0)  # an earlier idea, never answered
    if i % 6 == 0:
        add(70 * DAY + 60, "idea_vote", 1.0, 0)
    for d in (35, 65, 95 + i % 5):
        if d >= acq:
            add(d * DAY + 120, "usage", 1.0, 0)
    if i % 5 == 1:
        add(80 * DAY + 30, "community", 1.0, 0)
    if i % 2 == 0:
        add(max(100, acq) * DAY + 50000, "purchase", 20.0, 0)
    if i == 0:  # a ticket the company answers only after the as-of date: unanswered at it
        k = add(118 * DAY, "support", 1.0, 0)
        add(121 * DAY, "support_reply", 2.0, 1, k)
        add(125 * DAY, "usage", 1.0, 0)
    return ev


def rows_of(i):
    """The customer's rows in time order: (time, kind, value, initiator, rows back answered)."""
    ev = sorted(plan(i), key=lambda e: (e[0], e[4]))
    at = {e[4]: p for p, e in enumerate(ev)}
    return [(e[0], e[1], e[2], e[3], 0 if e[5] is None else p - at[e[5]]) for p, e in enumerate(ev)]


def write(path, with_touch_columns=True):
    time, channel, value, initiator, answers, offsets = [], [], [], [], [], [0]
    for i in range(N):
        for t, k, v, who, back in rows_of(i):
            time.append(t)
            channel.append(CODE[k])
            value.append(v)
            initiator.append(who)
            answers.append(back)
        offsets.append(len(time))
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int64(2)
        f.attrs["time_unit"] = "seconds"
        f.attrs["epoch"] = "2024-01-01"
        c = f.create_group("customers")
        a = [attributes(i) for i in range(N)]
        c["id"] = np.arange(1, N + 1, dtype=np.uint64)
        c["acquisition_day"] = np.array([x[4] for x in a], dtype=np.int32)
        c["rm"] = np.array([x[2] for x in a], dtype=np.uint32)
        c["region"] = np.array([x[1] for x in a], dtype=np.uint32)
        c["business_unit"] = np.array([x[0] for x in a], dtype=np.uint32)
        c["segment"] = np.array([x[3] for x in a], dtype=np.uint8)
        c["rm_names"] = ["RM A", "RM B", "RM C", "RM D"]
        c["region_names"] = ["North", "South"]
        c["business_unit_names"] = ["Retail", "Corporate"]
        c["segment_names"] = ["consumer", "small_business", "enterprise"]
        g = f.create_group("interactions")
        g["offsets"] = np.array(offsets, dtype=np.uint64)
        t = g.create_dataset("time", data=np.array(time, dtype=np.int64))
        t.attrs["first_time"] = np.int64(min(time))
        t.attrs["last_time"] = np.int64(max(time))
        g["channel"] = np.array(channel, dtype=np.uint8)
        g["value"] = np.array(value, dtype=np.float64)
        if with_touch_columns:
            g["initiator"] = np.array(initiator, dtype=np.uint8)
            g["answers"] = np.array(answers, dtype=np.uint32)
        ch = f.create_group("channels")
        ch["code"] = np.arange(len(KINDS), dtype=np.uint8)
        ch["name"] = KINDS
        ch["kind"] = KINDS


# ---- the measures, read from the rows (docs/metrics.md, "Touches") ----
COMPANY = {"purchase", "support", "complaint", "survey", "offer", "support_reply"}
CONTENT = {"usage", "content"}


def stage(kind):
    return 0 if kind in COMPANY else 1 if kind in CONTENT else 2


def nearest(sorted_values, percent):
    rank = max(1, math.ceil(percent * len(sorted_values) / 100))
    return sorted_values[rank - 1]


def measures(i, as_of):
    start = as_of - WINDOW + 1
    rows = [r for r in rows_of(i) if r[0] // DAY <= as_of]
    answered_by = {}  # row -> the rows answering it, in order
    for p, r in enumerate(rows):
        if r[4]:
            answered_by.setdefault(p - r[4], []).append(p)
    m = dict(offers=0, offers_answered=0, customer_initiated=0, interactions=0, tickets=0, tickets_answered=0,
             tickets_resolved=0, ideas=0, ideas_to_date=0, ideas_commented=0, ideas_evaluated=0,
             ideas_implemented=0, idea_votes=0, stage=[0, 0, 0], within=[0, 0, 0])
    offer_delays, first, resolution = [], [], []
    for p, (t, kind, value, who, back) in enumerate(rows):
        mine = [rows[q] for q in answered_by.get(p, [])]
        if kind == "idea" and who == 0:
            m["ideas_to_date"] += 1
        if not start <= t // DAY <= as_of:
            continue
        m["interactions"] += 1
        if who == 1:
            if kind == "offer":
                m["offers"] += 1
                customer = [q[0] - t for q in mine if q[3] == 0]
                if customer:
                    m["offers_answered"] += 1
                    offer_delays.append(customer[0])
            continue
        m["customer_initiated"] += 1
        m["stage"][stage(kind)] += 1
        if kind == "support":
            m["tickets"] += 1
            replies = [q for q in mine if q[3] == 1 and q[1] == "support_reply"]
            if replies:
                m["tickets_answered"] += 1
                d = replies[0][0] - t
                first.append(d)
                for w, s in enumerate((300, 3600, 86400)):
                    m["within"][w] += d <= s
            done = [q for q in replies if q[2] == 2.0]
            if done:
                m["tickets_resolved"] += 1
                resolution.append(done[0][0] - t)
        elif kind == "idea":
            m["ideas"] += 1
            best = max([q[2] for q in mine if q[3] == 1 and q[1] == "idea_feedback"], default=0)
            m["ideas_commented"] += best >= 1
            m["ideas_evaluated"] += best >= 2
            m["ideas_implemented"] += best == 3
        elif kind == "idea_vote":
            m["idea_votes"] += 1
    m["offer_delays"], m["first"], m["resolution"] = sorted(offer_delays), sorted(first), sorted(resolution)
    return m


def div(a, b):
    return None if b == 0 else a / b


def csv_expected(m):
    """customers.csv's touches columns, as Python values (None: empty)."""
    med = lambda v: float(nearest(v, 50)) if v else None
    return {
        "offers": m["offers"], "offers_answered": m["offers_answered"],
        "offer_response_rate": div(m["offers_answered"], m["offers"]),
        "offer_response_median": med(m["offer_delays"]),
        "customer_initiated": m["customer_initiated"],
        "customer_initiated_share": div(m["customer_initiated"], m["interactions"]),
        "tickets": m["tickets"], "tickets_answered": m["tickets_answered"], "tickets_resolved": m["tickets_resolved"],
        "first_response_median": med(m["first"]),
        "first_response_p90": float(nearest(m["first"], 90)) if m["first"] else None,
        "resolution_median": med(m["resolution"]),
        "within_5min_share": div(m["within"][0], m["tickets"]),
        "within_1h_share": div(m["within"][1], m["tickets"]),
        "within_1d_share": div(m["within"][2], m["tickets"]),
        "ideas": m["ideas"], "ideas_to_date": m["ideas_to_date"], "ideas_commented": m["ideas_commented"],
        "ideas_evaluated": m["ideas_evaluated"], "ideas_implemented": m["ideas_implemented"],
        "idea_votes": m["idea_votes"], "customer_to_company": m["stage"][0], "customer_to_content": m["stage"][1],
        "customer_to_community": m["stage"][2],
    }


# Bin upper edges in seconds, written out: 1-minute to 5 min, 10-minute to 1 h, hourly to 1 day, daily to 30 days.
EDGES = ([60 * k for k in range(1, 6)] + [600 * k for k in range(1, 7)] + [3600 * k for k in range(2, 25)] +
         [DAY * k for k in range(2, 31)])


def binned(delays, percent):
    if not delays:
        return None
    v = nearest(sorted(delays), percent)
    for e in EDGES:
        if v <= e:
            return e
    return max(delays)


def group(members, as_of):
    acquired = [i for i in members if attributes(i)[4] <= as_of]
    ms = [measures(i, as_of) for i in acquired]
    s = lambda k: sum(m[k] for m in ms)
    stage_ = [sum(m["stage"][k] for m in ms) for k in range(3)]
    first = [d for m in ms for d in m["first"]]
    tickets = s("tickets")
    return {
        "customers": len(acquired), "offers": s("offers"), "offers_answered": s("offers_answered"),
        "response_rate": div(s("offers_answered"), s("offers")),
        "customer_initiated_share": div(s("customer_initiated"), s("interactions")),
        "tickets": tickets, "answered": s("tickets_answered"), "unanswered": tickets - s("tickets_answered"),
        "resolved": s("tickets_resolved"),
        "median": binned(first, 50), "p90": binned(first, 90),
        "within": [div(sum(m["within"][w] for m in ms), tickets) for w in range(3)],
        "ideas": s("ideas"), "ideas_to_date": s("ideas_to_date"), "commented": s("ideas_commented"),
        "evaluated": s("ideas_evaluated"), "implemented": s("ideas_implemented"), "votes": s("idea_votes"),
        "stage_shares": [div(x, sum(stage_)) for x in stage_],
    }


def fail(msg):
    print("FAIL: touches.py: " + msg, file=sys.stderr)
    sys.exit(1)


def same(what, got, want):
    if got != want:
        fail(f"{what}: {got!r}, expected {want!r}")


def check_group(where, g, members):
    now, before = group(members, AS_OF), group(members, PREVIOUS)
    for e, side in ((now, g), (before, g["previous"])):
        o, s, i, mix = side["offered_vs_chosen"], side["support"], side["ideas"], side["stage_mix"]["shares"]
        same(where + " customers", side["customers"], e["customers"])
        same(where + " offers", o["offers"], e["offers"])
        same(where + " offers answered", o["offers_answered"], e["offers_answered"])
        same(where + " response rate", o["response_rate"], e["response_rate"])
        same(where + " customer-initiated share", o["customer_initiated_share"], e["customer_initiated_share"])
        for k in ("tickets", "answered", "unanswered", "resolved"):
            same(where + " " + k, s[k], e[k])
        same(where + " median first response", s["first_response_median_seconds"], e["median"])
        same(where + " p90 first response", s["first_response_p90_seconds"], e["p90"])
        same(where + " within", [s["answered_within_share"][k] for k in ("5min", "1h", "1d")], e["within"])
        for k, v in (("submitted", "ideas"), ("submitted_to_date", "ideas_to_date"), ("commented", "commented"),
                     ("evaluated", "evaluated"), ("implemented", "implemented"),
                     ("votes_and_comments_on_ideas", "votes")):
            same(where + " ideas " + k, i[k], e[v])
        same(where + " stage mix", [mix[k] for k in ("customer_to_company", "customer_to_content",
                                                      "customer_to_community")], e["stage_shares"])
    # The trend: up, down or same from the previous value, null where either is unknown.
    def direction(a, b):
        return None if a is None or b is None else "up" if a > b else "down" if a < b else "same"
    want = {"response_rate": direction(now["response_rate"], before["response_rate"]),
            "customer_initiated_share": direction(now["customer_initiated_share"], before["customer_initiated_share"]),
            "tickets": direction(now["tickets"], before["tickets"]),
            "first_response_median_seconds": direction(now["median"], before["median"]),
            "first_response_p90_seconds": direction(now["p90"], before["p90"]),
            "answered_within_5min_share": direction(now["within"][0], before["within"][0]),
            "answered_within_1h_share": direction(now["within"][1], before["within"][1]),
            "answered_within_1d_share": direction(now["within"][2], before["within"][2]),
            "ideas_submitted": direction(now["ideas"], before["ideas"]),
            "ideas_implemented": direction(now["implemented"], before["implemented"])}
    for k, name in enumerate(("customer_to_company", "customer_to_content", "customer_to_community")):
        want[name + "_share"] = direction(now["stage_shares"][k], before["stage_shares"][k])
    same(where + " trend", g["trend"], want)
    return now


def check(out, base):
    with open(out + "/customers.csv", newline="") as f:
        table = list(csv.DictReader(f))
    same("customers.csv rows", len(table), N)
    for i, row in enumerate(table):
        for k, v in csv_expected(measures(i, AS_OF)).items():
            got = row[k]
            if v is None:
                same(f"customers.csv row {i + 1} {k}", got, "")
            elif isinstance(v, float):
                same(f"customers.csv row {i + 1} {k}", float(got), v)
            else:
                same(f"customers.csv row {i + 1} {k}", int(got), v)
    with open(out + "/report.json") as f:
        t = json.load(f)["touches"]
    same("as_of", t["as_of"], "2024-04-29")
    same("previous_as_of", t["previous_as_of"], "2024-03-30")
    same("answers_known", t["answers_known"], True)
    corporate = check_group("corporate", t["corporate"], range(N))
    for name, b in (("Retail", 0), ("Corporate", 1)):
        g = [x for x in t["business_units"]["groups"] if x["name"] == name]
        same("business unit " + name, len(g), 1)
        check_group(name, g[0], [i for i in range(N) if attributes(i)[0] == b])
    rms = t["relationship_managers"]
    same("relationship managers shown", [g["name"] for g in rms["groups"]], ["RM A", "RM B"])
    same("relationship managers folded", rms["suppressed_groups"], 2)  # RM C (7), RM D (3): 10 in "other"
    check_group("other relationship managers", rms["other"], [i for i in range(N) if attributes(i)[2] >= 2])
    for g, seg in zip(t["segments"]["groups"], range(3)):
        check_group("segment " + g["name"], g, [i for i in range(N) if attributes(i)[3] == seg])
    # touches.csv's corporate row: the same numbers.
    with open(out + "/touches.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    c = rows[0]
    same("touches.csv first row", (c["level"], c["group"]), ("corporate", "corporate"))
    same("touches.csv customers", int(c["customers"]), corporate["customers"])
    same("touches.csv response rate", float(c["response_rate"]), corporate["response_rate"])
    same("touches.csv median first response", int(c["first_response_median_seconds"]), corporate["median"])
    same("touches.csv within 5 min", float(c["answered_within_5min_share"]), corporate["within"][0])
    same("touches.csv levels", [r["level"] for r in rows],
         ["corporate", "business_unit", "business_unit", "region", "region", "relationship_manager",
          "relationship_manager", "relationship_manager", "segment", "segment", "segment"])
    print(f"touches.py: {N} customers, every touches measure as recomputed from the rows")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], len(sys.argv) < 4)
    elif sys.argv[1] == "hand":
        for i in map(int, sys.argv[2:]):
            print(i, rows_of(i), csv_expected(measures(i, AS_OF)))
    else:
        check(sys.argv[2], sys.argv[3])
