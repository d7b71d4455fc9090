"""Configuration from the environment: the SMS gateway, and the test clock locked to LIFELINE_ENV=test."""

from __future__ import annotations

from pathlib import Path

from lifeline.config import Config
from lifeline.services.sessions.notify import HttpSmsGateway, LoggingSmsGateway, make_sms_gateway


def test_sms_gateway_defaults_to_the_log_and_takes_an_http_url():
    assert Config.from_env({}).sms_gateway_url is None
    assert isinstance(make_sms_gateway(Config.from_env({})), LoggingSmsGateway)
    config = Config.from_env({"LIFELINE_SMS_GATEWAY_URL": "https://sms.example/send"})
    gateway = make_sms_gateway(config)
    assert isinstance(gateway, HttpSmsGateway) and gateway.url == "https://sms.example/send"


def test_test_clock_is_ignored_outside_the_test_environment():
    assert Config.from_env({"LIFELINE_TEST_CLOCK_FILE": "/tmp/clock"}).test_clock_file is None
    assert Config.from_env({"LIFELINE_ENV": "production", "LIFELINE_TEST_CLOCK_FILE": "/tmp/clock"}).test_clock_file is None
    config = Config.from_env({"LIFELINE_ENV": "test", "LIFELINE_TEST_CLOCK_FILE": "/tmp/clock"})
    assert config.test_clock_file == Path("/tmp/clock") and config.env == "test"
