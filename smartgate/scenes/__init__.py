"""Labelled camera frames of truck plates, for the demo, the tests and the benchmarks.

Renders Vietnamese (1-line 520x110, 2-line 330x165; yellow commercial, white,
blue) and Chinese (blue 440x140, yellow 2-row truck 440x220, green new-energy
480x140) plates in varied fonts, spacing and colours, puts them on the front of
a truck with clutter text in a 1280x720 frame and degrades the frame like a
lane camera does (angle, perspective, blur, night, glare, noise, JPEG).
Deterministic for a given ``random.Random``; ground truth comes with every frame.
"""

from smartgate.scenes.frames import Scene, render_frame, render_negative, render_pass
from smartgate.scenes.inbox import drop_pass
from smartgate.scenes.plates import random_plate, render_plate

__all__ = ["Scene", "drop_pass", "random_plate", "render_frame", "render_negative", "render_pass",
           "render_plate"]
