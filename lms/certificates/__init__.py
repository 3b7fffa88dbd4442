"""Certificates of completion: issue, render, sign (Open Badges 3.0), verify and revoke."""
