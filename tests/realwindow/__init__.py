"""Tests that run the game in a real X window and drive it with real key presses."""
