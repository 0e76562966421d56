"""The activity chart of a campaign, as plain SVG numbers the template draws (no script)."""

WIDTH, HEIGHT, PAD = 640, 160, 24
BAR_MAX = 40  # a short campaign's few days stay bars, not one block across the chart


def bars(series: list[dict], span: int = 0) -> dict:
    """Bar geometry for kudos and relays per day, stacked, scaled to the busiest day. The
    x axis has room for `span` days (the whole campaign), so that early on a few bars stand
    at the start of the road rather than one bar filling the chart."""
    if not series:
        return {"bars": [], "width": WIDTH, "height": HEIGHT, "max": 0, "pad": PAD}
    busiest = max(d["kudos"] + d["relays"] for d in series) or 1
    step = (WIDTH - 2 * PAD) / max(len(series), span)
    scale = (HEIGHT - 2 * PAD) / busiest
    out = []
    width = round(min(max(step - 2, 1), BAR_MAX), 1)
    for index, day in enumerate(series):
        x = PAD + index * step
        kudos_h = day["kudos"] * scale
        relays_h = day["relays"] * scale
        out.append({"x": round(x, 1), "w": width, "day": day["day"],
                    "kudos": day["kudos"], "relays": day["relays"],
                    "kudos_y": round(HEIGHT - PAD - kudos_h, 1), "kudos_h": round(kudos_h, 1),
                    "relays_y": round(HEIGHT - PAD - kudos_h - relays_h, 1),
                    "relays_h": round(relays_h, 1)})
    return {"bars": out, "width": WIDTH, "height": HEIGHT, "max": busiest, "pad": PAD}
