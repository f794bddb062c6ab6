"""backprop-tui: step through backpropagation one keypress at a time."""

__version__ = "0.1.0"
