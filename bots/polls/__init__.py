"""Polls (议事表决) and the decision records (议事记录) they leave."""
