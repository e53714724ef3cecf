#!/usr/bin/env python
"""CDKTF app: `cdktf synth` (or plain `python main.py`) writes cdktf.out/stacks/<stack>/cdk.tf.json."""

from cdktf import App

from stacks.registry import build_app

if __name__ == "__main__":
    app = App()
    build_app(app)
    app.synth()
