-- wrk script: POST benches/matcher.rs's within_30km project (医药健康, 30–120 亩 of M1/M4 land
-- within 30 km of 116.5, 39.9) to /api/v1/match.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"industry": "医药健康", "space": "land", "land_area_mu": {"min": 30, "max": 120}, "land_use": ["M1", "M4"], "near": {"lon": 116.5, "lat": 39.9, "max_km": 30}, "as_of": "2026-11-23"}'
