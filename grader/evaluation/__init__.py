"""Measuring agreement with teachers: metrics and labelled-set evaluation."""
