"""Figures drawn from the engines at build time, one module per course module."""
