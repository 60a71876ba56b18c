#!/usr/bin/env python3
"""Writes world.ndjson, the small network fixture the network tests read (cordon events v1).

Made-up names only. Run from this directory: python3 make_world.py > world.ndjson
The cast (tests/network/*_test.cc check what cordon makes of it):
  channel100 "Alpha Press"   official source: every release appears here first
  channel400 "Quick Source"  injector: posts the same files first-hand within minutes
  channel200 "Relay One"     mirror: forwards each release from channel100; bot-assisted
  channel300 "Relay Two"     mirror: re-uploads edited copies (PDQ near, other SHA-256)
  chat700    "Relay Talk"    mirror group: user12 forwards each release from channel200
  channel500 "Daily Views"   journalist: forwards one release, otherwise own notes
  channel600..603            benign: share one viral picture
  user10 runs 100, 200, 300; user11 runs 400; user12 runs 700 and co-runs 300;
  user13 was admin of 300 and was banned; user20 is the bot "relay_bot" (admin of 200).
"""
import hashlib
import json
import random

rng = random.Random(5)
DAY = 24 * 3600
BASE = 1572566400  # 2019-11-01T00:00:00Z


def ts(sec):
    import datetime
    return datetime.datetime.fromtimestamp(BASE + sec, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def sha(tag):
    return hashlib.sha256(tag.encode()).hexdigest()


def pdq_hex(bits):
    return "%064x" % bits


def flip(bits, n):
    for b in rng.sample(range(256), n):
        bits ^= 1 << b
    return bits


out = []


def emit(obj):
    out.append(obj)


def entity(key, kind, t, name, username=None, subscribers=None, creator=None):
    e = {"type": "entity", "key": key, "kind": kind, "time": ts(t), "name": name,
         "created": ts(t)}
    if username:
        e["username"] = username
    if subscribers is not None:
        e["subscribers"] = subscribers
    if creator:
        e["creator"] = creator
    emit(e)


def member(chat, user, t, action):
    emit({"type": "member", "chat": chat, "user": user, "time": ts(t), "action": action})


counters = {}


def message(chat, t, text="", media=None, fwd=None, fwd_name=None, frm=None, via=None,
            links=None, views=None):
    counters[chat] = counters.get(chat, 0) + 1
    m = {"type": "message", "key": "%s/%d" % (chat, counters[chat]), "chat": chat,
         "time": ts(t)}
    if frm:
        m["from"] = frm
    if text:
        m["text"] = text
    if links:
        m["links"] = links
    if media:
        m["media"] = media
    if fwd:
        m["forward"] = {"chat": fwd[0], "message": fwd[1]}
    if fwd_name:
        m["forward"] = {"name": fwd_name}
    if via:
        m["via_bot"] = via
    if views is not None:
        m["views"] = views
    emit(m)
    return m["key"]


C100, C200, C300, C400, C500 = ("telegram:channel100", "telegram:channel200",
                                "telegram:channel300", "telegram:channel400",
                                "telegram:channel500")
G700 = "telegram:chat700"
U10, U11, U12, U13, B20 = ("telegram:user10", "telegram:user11", "telegram:user12",
                           "telegram:user13", "telegram:user20")

entity(C100, "channel", 0, "Alpha Press", "alphapress", 5000, U10)
entity(C200, "channel", 60, "Relay One", None, 1000, U10)
entity(C300, "channel", 120, "Relay Two", "relaytwo", 800, U10)
entity(C400, "channel", 180, "Quick Source", None, 1500, U11)
entity(C500, "channel", 240, "Daily Views", "dailyviews", 20000)
entity(G700, "group", 300, "Relay Talk", None, 300, U12)
for i in range(4):
    entity("telegram:channel6%02d" % i, "channel", 360 + i, "Cat Pictures %d" % i, None,
           2000 + i)
entity(B20, "bot", 400, "Relay Bot", "relay_bot")
member(C100, U10, 10, "creator")
member(C200, U10, 70, "creator")
member(C300, U10, 130, "creator")
member(C300, U12, 140, "admin")
member(C300, U13, 150, "admin")
member(C400, U11, 190, "creator")
member(G700, U12, 310, "creator")
member(C200, B20, 410, "admin")
member(G700, U10, 320, "join")
emit({"type": "invite", "link": "t.me/+RelayTwoInv", "chat": C300, "time": ts(130)})

WORDS = ("amber river stone quiet lantern harbor meadow copper violet summit orchard "
         "willow ember canyon falcon marble prairie cedar glacier tundra").split()

releases = []
for r in range(10):
    t0 = (r + 1) * DAY + 10 * 3600
    text = " ".join(rng.choice(WORDS) for _ in range(16))
    bits = rng.getrandbits(256)
    releases.append((t0, text, bits))
    rel_media = [{"kind": "photo", "sha256": sha("release%d" % r), "pdq": pdq_hex(bits)}]
    k100 = message(C100, t0, text, rel_media, views=3000)
    # Injector: the same file, first-hand, minutes later.
    message(C400, t0 + 300 + 60 * r, text, rel_media, views=900)
    # Mirror by forward (sometimes via the bot).
    k200 = message(C200, t0 + 1800, text, rel_media, fwd=(C100, k100),
                   via=B20 if r % 2 == 0 else None, views=600)
    # Mirror by re-upload of an edited copy; the last one as text only (a text near-match).
    if r < 9:
        copy = [{"kind": "photo", "sha256": sha("copy%d" % r), "pdq": pdq_hex(flip(bits, 10))}]
        message(C300, t0 + 3000, "\U0001F4E2 " + text + " #relay", copy, views=500)
    else:
        message(C300, t0 + 3000, text + " #relay", views=500)
    # Mirror group: a member forwards from channel200.
    message(G700, t0 + 3600, text, rel_media, fwd=(C200, k200), frm=U12)
    if r == 0:
        # The journalist forwards this one release with a comment.
        message(C500, t0 + 7200, text, rel_media, fwd=(C100, k100), views=8000)
        message(C500, t0 + 7300, "A note on today's statement from a monitored channel.",
                views=8000)

# The journalist's own notes, day after day.
for d in range(1, 12):
    message(C500, d * DAY + 15 * 3600, "Daily digest number %d: weather, markets, sport." % d,
            views=7000)

# Adverts: a link by invite, a link by username, and one to an invite not yet announced.
message(C200, 2 * DAY + 20 * 3600, "Follow our friends t.me/+RelayTwoInv and t.me/alphapress",
        links=["https://t.me/+RelayTwoInv", "https://t.me/alphapress"])
message(G700, 3 * DAY + 20 * 3600, "Backup: t.me/+LateQuickInv", frm=U12,
        links=["t.me/+LateQuickInv"])
emit({"type": "invite", "link": "t.me/+LateQuickInv", "chat": C400, "time": ts(4 * DAY)})
# Forwards known only by display name (as in Telegram Desktop exports).
message(G700, 4 * DAY + 20 * 3600, "from the source", fwd_name="Alpha Press", frm=U12)
message(G700, 4 * DAY + 21 * 3600, "who is this", fwd_name="Ghost Source", frm=U12)

# Benign: one viral picture shared by four channels over a day.
viral = [{"kind": "photo", "sha256": sha("viral"), "pdq": pdq_hex(rng.getrandbits(256))}]
for i in range(4):
    message("telegram:channel6%02d" % i, 2 * DAY + 8 * 3600 + i * 3600, "so cute", viral,
            views=1000)
    message("telegram:channel6%02d" % i, 6 * DAY + 8 * 3600 + i * 60,
            "weekend photo thread %d" % i, views=800)

# user13 is banned from channel300 (its admin edge ends); channel200 is taken down on day 12.
member(C300, U13, 5 * DAY, "ban")
emit({"type": "takedown", "entity": C200, "time": ts(12 * DAY), "reason": "terms of service",
      "source": "referral"})

out.sort(key=lambda e: e["time"])
for e in out:
    print(json.dumps(e, ensure_ascii=False, separators=(",", ":")))
