"""The slides' example networks as scenario text, shared by the unit tests."""

BACKPROP_RELU = """\
title = "Backpropagation with ReLU"
[network]
inputs = ["x1", "x2"]
loss = "mse"
[[network.layers]]
nodes = ["a1", "a2"]
activation = "relu"
weights = [[2, -2], [4, -1]]
[[network.layers]]
nodes = ["b1", "b2"]
activation = "relu"
weights = [[0, 1], [2, 3]]
[[network.layers]]
nodes = ["out"]
weights = [[1, 2]]
[data]
inputs = [[0.5, 1]]
targets = [4]
[training]
learning_rate = 0.01
"""


# {epochs}: fill in with SINGLE_WEIGHT.format(epochs=...)
SINGLE_WEIGHT = """\
title = "single weight"
[network]
inputs = ["x"]
[[network.layers]]
nodes = ["prediction"]
weights = [[2]]
[data]
inputs = [[3]]
targets = [10]
[training]
learning_rate = 0.01
epochs = {epochs}
"""
