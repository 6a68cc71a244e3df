"""MQTT transport shared by edge, centre and gateway (paho 2.x, MQTT 3.1.1 on the wire)."""

from mqttio.client import BrokerUrl, MqttError, MqttLink, Received, Will

__all__ = ["BrokerUrl", "MqttError", "MqttLink", "Received", "Will"]
