"""PyTorch-parity harness and cases (see harness.py and cases.py)."""
