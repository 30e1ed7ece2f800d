"""Typed application state (aiohttp AppKey): the one place routes find their services."""

from __future__ import annotations

import socketio
from aiohttp import web
from redis.asyncio import Redis

from bots.registry import BotRegistry
from chat.loop_lag import LoopLagMonitor
from chat.realtime.subscription import SubscriptionWatch
from chat.services import Services
from moderation.detection import DetectionService

SERVICES = web.AppKey("services", Services)
REDIS = web.AppKey("redis", Redis)
SIO = web.AppKey("sio", socketio.AsyncServer)
DETECTION = web.AppKey("detection", DetectionService)
BOTS = web.AppKey("bots", BotRegistry)
FANOUT_SUBSCRIPTION = web.AppKey("fanout_subscription", SubscriptionWatch)
LOOP_LAG = web.AppKey("loop_lag", LoopLagMonitor)
STARTED_AT = web.AppKey("started_at", float)  # by services.clock, seconds since the epoch
