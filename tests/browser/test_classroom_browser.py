"""A leader and two followers, each a page in headless Chromium: the followers reach the
leader's step 13 with its what-if value, one steps away and catches up with f."""

from __future__ import annotations

from served import set_b2_out_to_half

# b2->out is 2 in backprop-relu. At 0.5 (by hand): out = 1 × 1 + 3 × 0.5 = 2.5, the error
# 2.5 − 4 = −1.5, and step 13 shows the output's slope 2 × (−1.5) = −3.
STEP_13 = r"slope\(out\) = 2 × error = 2 × \(-1\.5\) = -3"


def test_two_followers_reach_the_leaders_step_and_what_if(visit, serve):
    leader_server = serve("backprop-relu", "--lead", "lecture")
    follower_server = serve("backprop-relu", "--follow", "lecture")

    leader_page, leader = visit(leader_server.url)
    _, early = visit(follower_server.url)
    early.wait_for(r"following room lecture")
    total = leader.wait_for(r"(?:step )?1/(\d+) ·")[1]

    set_b2_out_to_half(leader_page, leader)
    leader.press(*["Space"] * 12)
    leader.wait_for(rf"(?:step )?13/{total} ·")
    leader.wait_for(STEP_13)

    follower_page, late = visit(follower_server.url)  # joins late
    for follower in (early, late):
        follower.wait_for(rf"(?:step )?13/{total} ·")
        follower.wait_for(r"b2->out = 0\.5")
        follower.wait_for(STEP_13)
        follower.wait_for(r"following room lecture")

    late.press("Space")  # a stepping key: on your own
    late.wait_for(r"on your own: f to follow again")
    late.wait_for(rf"step 14/{total}")
    leader.press("Space", "Space")
    early.wait_for(rf"step 15/{total}")
    assert f"step 14/{total}" in late.text()  # stays where the student is
    late.press("f")
    late.wait_for(rf"step 15/{total}")
    late.wait_for(r"following room lecture")
    assert follower_page  # kept open to the end
