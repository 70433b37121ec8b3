"""Test setup: frameworks import lazily (torch before TensorFlow), Keras on TensorFlow."""

import importlib
import importlib.util
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# torch.compile loads triton (in CUDA builds of torch), whose library crashes the process when
# it loads after TensorFlow's; tests import TensorFlow in any order, so load it first.
if importlib.util.find_spec("triton") and importlib.util.find_spec("torch"):
    importlib.import_module("torch._dynamo")
