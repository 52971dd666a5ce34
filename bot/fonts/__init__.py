"""Fonts for the charts (bot/operator/chart.py): one Noto Sans per Indian script; see OFL.txt."""
