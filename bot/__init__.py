"""Bank–Aadhaar seeding status bot: wiring, config, vendor client, store, i18n and domain rules."""
