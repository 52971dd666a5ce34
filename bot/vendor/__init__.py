"""Deepvue bank–Aadhaar seeding API: typed client, its exceptions, and the result types."""

from bot.vendor.types import Captcha, OtpSent, SeedingResult, VendorError

__all__ = ["Captcha", "OtpSent", "SeedingResult", "VendorError"]
