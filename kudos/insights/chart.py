"""The 90-day chart of a scope: daily bars, with the phases shaded behind them."""

from datetime import date, timedelta

WIDTH, HEIGHT, PAD = 720, 180, 24
COLORS = {"launch": "phase-launch", "euphoria": "phase-euphoria", "plateau": "phase-plateau",
          "decline": "phase-decline", "dormant": "phase-dormant", "revival": "phase-revival"}


def geometry(series: list[int], phases: list[str], start: date) -> dict:
    n = len(series)
    if n == 0:
        return {"bars": [], "bands": [], "width": WIDTH, "height": HEIGHT, "max": 0}
    busiest = max(series) or 1
    step = (WIDTH - 2 * PAD) / n
    scale = (HEIGHT - 2 * PAD) / busiest
    bars = []
    for i, value in enumerate(series):
        h = value * scale
        bars.append({"x": round(PAD + i * step, 1), "w": round(max(step - 1, 0.5), 1),
                     "y": round(HEIGHT - PAD - h, 1), "h": round(h, 1), "value": value,
                     "day": start + timedelta(days=i)})
    bands = []
    phases = phases[-n:] if phases else []
    offset = n - len(phases)
    run_start = 0
    for i in range(1, len(phases) + 1):
        if i == len(phases) or phases[i] != phases[run_start]:
            phase = phases[run_start]
            bands.append({"x": round(PAD + (offset + run_start) * step, 1),
                          "w": round((i - run_start) * step, 1), "phase": phase,
                          "css": COLORS.get(phase, ""),
                          "from": start + timedelta(days=offset + run_start),
                          "to": start + timedelta(days=offset + i - 1)})
            run_start = i
    return {"bars": bars, "bands": bands, "width": WIDTH, "height": HEIGHT, "max": busiest,
            "pad": PAD}
