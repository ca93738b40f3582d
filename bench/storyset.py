"""A labelled clustering set generated from written rules: 1,000+ fictional reports, 100+ events.

Usage: python bench/storyset.py [--write FILE.jsonl]   (prints counts, or writes the set)

Every event is one of twelve kinds (job cuts, takeovers, recalls, strikes...). Each kind has
several headline and lead templates, written for this project, that say the same thing in
different words ("cut 400 jobs" / "eliminate 400 positions" / "lay off 400 workers"), and detail
sentences of which each report uses a different subset, the way outlets pick different facts.
The generator (seeded, so the set is the same on every run) then adds the hard cases of real feeds:

- same actor, different events, same day: a company or person is drawn again for a second event
  of another kind within hours ("Norvik Energy cuts jobs" and "Norvik Energy buys a rival");
- follow-ups: some events get a second event of the same kind about the same actors one or two
  days later with new figures ("recall widened to 9,000 more scooters"): a separate story;
- different vocabulary: reports of one event draw different templates and synonyms;
- headline-only items: about a quarter of the reports carry only a title and one sentence.

Gold labels are the events. Names and places are invented.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gazette.records import ClusterItem

SEED = 2026
DAYS = 30
EVENTS_PER_DAY = 4
START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)

COMPANIES = [
    "Norvik Energy", "Halden Biotech", "Corvel Airlines", "Brightwater Foods", "Tessaly Motors",
    "Quillon Bank", "Ardent Logistics", "Marrow Steel", "Pellucid Software", "Osterfield Retail",
    "Lumen Harbour Shipping", "Vantor Telecom", "Greyhaven Pharma", "Silt & Stone Cement",
    "Kestrel Robotics", "Obelin Chemicals", "Fairmoor Insurance", "Rivlin Semiconductors",
    "Calder Paper Mills", "Sunmere Solar",
]  # fmt: skip
PEOPLE = [
    "Anneke Dahl", "Tomasz Rybak", "Priya Venkataraman", "Olu Adebayo", "Margit Halloran",
    "Jonas Ekwall", "Rosa Benedetti", "Kenji Arakawa", "Leona Whitcombe", "Dmitri Sorokin",
    "Ines Carvalho", "Ruairi Fennell", "Samira Haddad", "Bertil Lindqvist", "Yara Okonkwo",
    "Felix Auerbach", "Greta Solberg", "Hamid Rostami", "Nadia Petrescu", "Callum Rourke",
]  # fmt: skip
CITIES = [
    "Port Averly", "Selmora", "Kittering", "Vashburg", "Lowmarsh", "Eddington Falls", "Carrow",
    "Brennick", "Oldhaven", "Saltmere", "Dunmore Bay", "Felsing", "Garrowby", "Hollins Cross",
]  # fmt: skip
TEAMS = [
    "Port Averly Mariners", "Selmora Lynx", "Kittering Rovers", "Vashburg Athletic",
    "Lowmarsh Town", "Carrow Wanderers", "Brennick City", "Oldhaven Harriers",
]  # fmt: skip
UNIONS = ["the Transport Workers Guild", "the Nurses' Federation", "the Dockers' Union",
          "the Teachers' Alliance", "the Postal Workers Union"]  # fmt: skip
PRODUCTS = ["electric scooters", "baby monitors", "space heaters", "e-bikes", "pressure cookers",
            "laptop chargers", "smoke alarms", "dehumidifiers"]  # fmt: skip
OUTLETS = ["Daily Courier", "Northern Ledger", "Metro Wire", "Harbour Herald", "Capital Post",
           "Evening Standard-Tribune", "Valley Examiner", "Coastline News", "Market Watchdog",
           "Civic Record", "The Lantern", "Bulletin 24"]  # fmt: skip

# Per kind: headlines, leads and details. {a} = main actor, {b} = second actor, {p} = person,
# {c} = city, {n}, {m}, {x} = figures, {d} = weekday. Synonyms vary between templates.
KINDS: dict[str, dict[str, list[str]]] = {
    "job_cuts": {
        "headlines": ["{a} to cut {n} jobs at {c} site", "{a} lays off {n} workers",
                      "{n} positions to go as {a} trims {c} operation",
                      "Hundreds of {a} staff face redundancy in {c}"],
        "leads": ["{a} said on {d} it would cut {n} jobs at its site in {c}, blaming weak demand.",
                  "{a} plans to eliminate {n} positions, most of them at the {c} plant, the "
                  "company announced on {d}.",
                  "Workers at {a} in {c} learned on {d} that {n} of them will be laid off."],
        "details": ["The reductions amount to about {m} percent of the workforce.",
                    "Chief executive {p} said the decision was painful but necessary.",
                    "Local officials in {c} called the news a blow to the town.",
                    "The company employs roughly {x} people worldwide.",
                    "Unions said they would seek talks over severance terms."],
    },
    "takeover": {
        "headlines": ["{a} agrees to buy {b} for {n} million", "{a} to acquire rival {b}",
                      "{b} accepts {n} million takeover offer from {a}",
                      "{a} swallows {b} in {n}m deal"],
        "leads": ["{a} has agreed to acquire {b} in a deal worth {n} million, the two companies "
                  "said on {d}.",
                  "{b} is being bought by {a} for {n} million, ending months of speculation.",
                  "In a {n} million deal announced {d}, {a} will take over smaller competitor {b}."],
        "details": ["The offer values {b} shares at a premium of {m} percent.",
                    "{p}, who runs {a}, said the combined group would be stronger abroad.",
                    "Regulators are expected to review the merger.",
                    "The deal is due to close within {x} days.",
                    "{b} is headquartered in {c}."],
    },
    "recall": {
        "headlines": ["{a} recalls {n} {product}", "{n} {product} pulled from shops over fire risk",
                      "{a} orders recall of {product} after overheating reports",
                      "Safety recall: {a} {product} may overheat"],
        "leads": ["{a} is recalling {n} {product} because a faulty battery can overheat, the "
                  "company said on {d}.",
                  "Owners of {a} {product} were told on {d} to stop using them after {m} reports "
                  "of overheating; {n} units are affected.",
                  "Consumer regulators announced on {d} the recall of {n} {product} made by {a}."],
        "details": ["There have been {m} reports of devices overheating, and {x} minor burns.",
                    "Customers can return the {product} for a full refund.",
                    "{p}, a spokesperson for {a}, apologised to customers.",
                    "The {product} were sold between last spring and this winter.",
                    "The safety agency in {c} said it was monitoring the recall."],
    },
    "ceo_exit": {
        "headlines": ["{a} chief executive {p} steps down", "{p} quits as head of {a}",
                      "{a} boss {p} resigns unexpectedly", "Leadership shake-up at {a} as {p} exits"],
        "leads": ["{p}, the chief executive of {a}, resigned on {d} after {m} years in the job.",
                  "{a} said on {d} that {p} would leave the top job with immediate effect.",
                  "In a surprise move, {a} announced the departure of its boss, {p}, on {d}."],
        "details": ["Finance director {q} will run the company until a successor is found.",
                    "Shares in {a} fell {x} percent on the news.",
                    "{p} gave no reason for leaving.",
                    "The board thanked {p} for steering the company through a difficult period.",
                    "Analysts had questioned the strategy of {a} for months."],
    },
    "fire": {
        "headlines": ["Fire tears through {a} warehouse in {c}", "Blaze at {c} warehouse injures {n}",
                      "{n} hurt as fire guts {a} depot", "Huge fire at {c} industrial estate"],
        "leads": ["A fire destroyed a warehouse run by {a} in {c} on {d}, injuring {n} people.",
                  "Firefighters in {c} battled a blaze at an {a} depot for {m} hours on {d}; {n} "
                  "people were taken to hospital.",
                  "{n} workers were hurt on {d} when flames swept through a storage site of {a} "
                  "on the edge of {c}."],
        "details": ["About {x} firefighters were called to the scene.",
                    "Residents were told to keep windows shut because of the smoke.",
                    "The cause of the fire is not yet known.",
                    "Fire chief {p} said the building could not be saved.",
                    "{a} said it was cooperating with investigators."],
    },
    "strike": {
        "headlines": ["{u} calls strike in {c}", "{c} hit by walkout as {u} downs tools",
                      "Thousands strike in {c} over pay", "{u} members vote to strike"],
        "leads": ["Members of {u} in {c} walked out on {d}, demanding a pay rise of {m} percent.",
                  "About {n} workers in {c} went on strike on {d} after pay talks with employers "
                  "broke down, {u} said.",
                  "{u} began industrial action in {c} on {d}, with {n} members refusing to work."],
        "details": ["Employers have offered {x} percent.",
                    "Union leader {p} said members had been left with no choice.",
                    "Services across {c} were disrupted.",
                    "The strike is set to last {x} days.",
                    "City officials urged both sides to return to talks."],
    },
    "earnings": {
        "headlines": ["{a} profit jumps {m} percent", "{a} beats forecasts with {n} million profit",
                      "Strong quarter for {a} as revenue climbs",
                      "{a} results: earnings up {m}%"],
        "leads": ["{a} reported a quarterly profit of {n} million on {d}, up {m} percent from a "
                  "year earlier.",
                  "Earnings at {a} rose {m} percent to {n} million in the last quarter, the company "
                  "said on {d}.",
                  "{a} told investors on {d} that net income reached {n} million, beating analyst "
                  "expectations."],
        "details": ["Revenue grew to {x} million.",
                    "Chief executive {p} credited cost controls.",
                    "The company raised its forecast for the full year.",
                    "Shares rose in early trading.",
                    "{a} said demand in {c} had been especially strong."],
    },
    "council_vote": {
        "headlines": ["{c} council approves {measure}", "{c} votes yes to {measure}",
                      "Councillors in {c} back {measure} by {n} votes to {m}",
                      "{measure} gets green light in {c}"],
        "leads": ["The city council of {c} approved {measure} on {d} by {n} votes to {m}.",
                  "Councillors in {c} voted {n} to {m} on {d} in favour of {measure}.",
                  "{c} will go ahead with {measure} after a council vote on {d}."],
        "details": ["Mayor {p} called it a historic decision.",
                    "The plan will cost about {x} million.",
                    "Opponents said residents had not been consulted.",
                    "Work is due to start next year.",
                    "The debate lasted more than {m} hours."],
    },
    "storm": {
        "headlines": ["Floods hit {c} after record rain", "{c} residents evacuated as river bursts",
                      "Storm brings {n} mm of rain to {c}", "Hundreds flee rising water in {c}"],
        "leads": ["Heavy rain flooded parts of {c} on {d}, forcing {m} people from their homes.",
                  "A storm dumped {n} millimetres of rain on {c} on {d} and the river broke its "
                  "banks.",
                  "Emergency services evacuated {m} residents of {c} on {d} as flood water rose."],
        "details": ["Forecasters said {n} mm fell in twenty-four hours.",
                    "Schools in {c} were closed.",
                    "{p}, who leads the emergency response, urged people to avoid travel.",
                    "About {x} homes lost power.",
                    "More rain is expected later in the week."],
    },
    "match": {
        "headlines": ["{t1} beat {t2} {s1}-{s2}", "{t1} edge past {t2}",
                      "{t2} lose {s2}-{s1} at home to {t1}", "Late goal gives {t1} win over {t2}"],
        "leads": ["{t1} beat {t2} {s1}-{s2} on {d} in front of {n} fans.",
                  "A goal from {p} in the {m}th minute gave {t1} a {s1}-{s2} victory over {t2} "
                  "on {d}.",
                  "{t2} were beaten {s1}-{s2} by {t1} on {d}."],
        "details": ["{p} scored the decisive goal in the {m}th minute.",
                    "The result lifts {t1} to {x} points.",
                    "{t2} had a player sent off before half-time.",
                    "The attendance was {n}.",
                    "The coach of {t2} said his side deserved a draw."],
    },
    "court": {
        "headlines": ["{a} fined {n} million over price fixing", "Court orders {a} to pay {n}m",
                      "Judge hits {a} with record fine", "{a} loses competition case"],
        "leads": ["A court in {c} fined {a} {n} million on {d} for fixing prices with competitors.",
                  "{a} must pay {n} million after judge {p} ruled on {d} that it broke "
                  "competition law.",
                  "Judges in {c} found on {d} that {a} had colluded on prices and imposed a {n} "
                  "million penalty."],
        "details": ["The cartel ran for {m} years, the court found.",
                    "{a} said it would appeal.",
                    "Judge {p} called the conduct deliberate.",
                    "Customers overpaid by about {x} million, investigators estimated.",
                    "Two former managers were also fined."],
    },
    "breach": {
        "headlines": ["Hackers steal data of {n} {a} customers", "{a} admits data breach",
                      "{n} accounts exposed in {a} hack", "Cyber attack on {a} hits customer data"],
        "leads": ["{a} said on {d} that hackers had stolen personal details of {n} customers.",
                  "Data on {n} people was exposed in a cyber attack on {a}, the company "
                  "disclosed on {d}.",
                  "A breach at {a} discovered on {d} affected the accounts of {n} customers."],
        "details": ["Passwords were not taken, the company said.",
                    "{p}, the security chief of {a}, said the attack was contained within {m} hours.",
                    "Regulators in {c} have been informed.",
                    "Customers were told to watch for scam emails.",
                    "The company is offering {x} months of free credit monitoring."],
    },
}  # fmt: skip
MEASURES = ["a new tram line", "a ban on cars in the old town", "a tourist tax",
            "a ten-year housing plan", "free school meals", "a bigger cycle network"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HEADLINE_ONLY_SHARE = 0.25


@dataclass
class Event:
    key: str
    kind: str
    start: datetime
    slots: dict[str, str]
    # A follow-up names the event it follows: the two are separate stories of one thread.
    follows: str | None = None


def _slots(rng: random.Random, kind: str, actor: str | None = None) -> dict[str, str]:
    a = actor or rng.choice(COMPANIES)
    t1, t2 = rng.sample(TEAMS, 2)
    s1 = rng.randint(1, 4)
    return {
        "a": a,
        "b": rng.choice([c for c in COMPANIES if c != a]),
        "p": rng.choice(PEOPLE),
        "q": rng.choice(PEOPLE),
        "c": rng.choice(CITIES),
        "u": rng.choice(UNIONS),
        "product": rng.choice(PRODUCTS),
        "measure": rng.choice(MEASURES),
        "t1": t1,
        "t2": t2,
        "s1": str(s1),
        "s2": str(rng.randint(0, s1 - 1)),
        **_figures(rng),
    }


def _figures(rng: random.Random) -> dict[str, str]:
    return {
        "n": f"{rng.choice([rng.randint(12, 99), rng.randint(120, 990), rng.randint(1, 60) * 1000]):,}",
        "m": str(rng.randint(3, 48)),
        "x": str(rng.randint(5, 400)),
    }


def _events(rng: random.Random, days: int) -> list[Event]:
    events: list[Event] = []
    kinds = list(KINDS)
    for day in range(days):
        for _ in range(EVENTS_PER_DAY):
            kind = rng.choice(kinds)
            start = START + timedelta(days=day, hours=rng.uniform(0, 14))
            event = Event(f"e{len(events):03d}", kind, start, _slots(rng, kind))
            events.append(event)
            actor_free = event.kind in ("match", "council_vote", "storm", "strike")
            if not actor_free and rng.random() < 0.3:
                # Same actor, another kind of event, hours apart.
                other = rng.choice([k for k in kinds if k not in (kind, "match", "council_vote")])
                slots = _slots(rng, other, actor=event.slots["a"])
                slots["c"] = event.slots["c"]
                hours = start + timedelta(hours=rng.uniform(1, 8))
                events.append(Event(f"e{len(events):03d}", other, hours, slots))
            if rng.random() < 0.2:
                # A follow-up: same kind, same actors, new figures, a day or two later.
                slots = {**event.slots, **_figures(rng), "p": rng.choice(PEOPLE)}
                later = start + timedelta(days=rng.choice([1, 2]), hours=rng.uniform(0, 6))
                events.append(Event(f"e{len(events):03d}", kind, later, slots, event.key))
    return events


def _report(rng: random.Random, event: Event, outlet: str, index: int) -> ClusterItem:
    templates = KINDS[event.kind]
    slots = {**event.slots, "d": WEEKDAYS[event.start.weekday()]}
    title = rng.choice(templates["headlines"]).format(**slots)
    title = title[0].upper() + title[1:]
    lead = rng.choice(templates["leads"]).format(**slots)
    lead = lead[0].upper() + lead[1:]
    if rng.random() < HEADLINE_ONLY_SHARE:
        text = lead
    else:
        details = rng.sample(templates["details"], rng.randint(2, 4))
        text = " ".join([lead, *(d.format(**slots) for d in details)])
    published = event.start + timedelta(hours=rng.expovariate(1 / 6))
    return ClusterItem(
        id=f"{event.key}-{index}",
        title=title,
        text=text,
        published=published,
        source=outlet,
        url=f"https://{outlet.lower().replace(' ', '-')}.example/{event.key}-{index}",
    )


def generate(seed: int = SEED) -> tuple[list[ClusterItem], dict[str, str]]:
    """The items in publication order, and each item's gold event."""
    items, gold, _ = generate_with_threads(seed)
    return items, gold


def generate_with_threads(
    seed: int = SEED, days: int = DAYS
) -> tuple[list[ClusterItem], dict[str, str], dict[str, str]]:
    """As `generate`, and the gold threads: each follow-up event and the event it follows.
    `days` longer than DAYS make a longer stream of the same kind (bench/cluster_scaling.py)."""
    rng = random.Random(seed)
    items: list[ClusterItem] = []
    gold: dict[str, str] = {}
    events = _events(rng, days)
    for event in events:
        outlets = rng.sample(OUTLETS, rng.randint(5, 12))
        for index, outlet in enumerate(outlets):
            item = _report(rng, event, outlet, index)
            items.append(item)
            gold[item.id] = event.key
    items.sort(key=lambda item: item.published)
    return items, gold, {e.key: e.follows for e in events if e.follows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", help="write the set as JSON Lines to this file")
    args = parser.parse_args()
    items, gold = generate()
    print(f"{len(items)} items, {len(set(gold.values()))} events")
    if args.write:
        with open(args.write, "w") as out:
            for item in items:
                row = {
                    "id": item.id,
                    "title": item.title,
                    "text": item.text,
                    "published": item.published.isoformat(),
                    "source": item.source,
                    "url": item.url,
                    "cluster": gold[item.id],
                }
                out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
