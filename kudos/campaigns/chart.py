"""The activity chart of a campaign, as plain SVG numbers the template draws (no script)."""

WIDTH, HEIGHT, PAD = 640, 160, 24


def bars(series: list[dict]) -> dict:
    """Bar geometry for kudos and relays per day, stacked, scaled to the busiest day."""
    if not series:
        return {"bars": [], "width": WIDTH, "height": HEIGHT, "max": 0}
    busiest = max(d["kudos"] + d["relays"] for d in series) or 1
    step = (WIDTH - 2 * PAD) / len(series)
    scale = (HEIGHT - 2 * PAD) / busiest
    out = []
    for index, day in enumerate(series):
        x = PAD + index * step
        kudos_h = day["kudos"] * scale
        relays_h = day["relays"] * scale
        out.append({"x": round(x, 1), "w": round(max(step - 2, 1), 1), "day": day["day"],
                    "kudos": day["kudos"], "relays": day["relays"],
                    "kudos_y": round(HEIGHT - PAD - kudos_h, 1), "kudos_h": round(kudos_h, 1),
                    "relays_y": round(HEIGHT - PAD - kudos_h - relays_h, 1),
                    "relays_h": round(relays_h, 1)})
    return {"bars": out, "width": WIDTH, "height": HEIGHT, "max": busiest, "pad": PAD}
