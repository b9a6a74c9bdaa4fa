"""DynamoDB store, through ask-sdk-dynamodb-persistence-adapter: for Lambda, and for several
webservice hosts that share one table.

The table has the adapter's layout (partition key ``id``, a string: our hashed user key; the record in
``attributes``) plus two top-level numbers: ``rev`` (the revision for compare and swap) and ``expires``
(epoch seconds, the table's TTL attribute: DynamoDB deletes records nobody used for RETENTION_DAYS).

The adapter package's pitfalls, handled here:
- its DynamoDbAdapter's default argument ``boto3.resource("dynamodb")`` runs when the module is
  imported, and fails without a region: a default boto3 session with our region is set up first (if
  none exists), and this module is imported only when the store is DynamoDB (never on the cold-start
  path otherwise);
- we pass no resource: ours is created on first use, per thread (boto3 resources are not thread
  safe), with the region, an optional endpoint (DynamoDB Local, moto) and short timeouts without SDK
  retries, so a slow or throttled table costs one turn its memory, never Alexa's 8 seconds;
- DynamoDB refuses floats and hands numbers back as Decimal: records hold only ints and strings, and
  whole Decimals are turned back into ints on read (anything else reads as damage);
- put_item overwrites blindly: save_attributes is a conditional put on ``rev`` (StoreConflict when
  another device saved first).
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any, Callable, Dict, Optional

import boto3

from skill.store import DEFAULT_REGION, DEFAULT_TIMEOUT, RETENTION_DAYS, REV, StoreConflict, user_key

# The adapter module builds a resource from boto3's default session when it is imported: that session
# needs a region (a default session made earlier without one, e.g. by a plain boto3.client(), too).
if boto3.DEFAULT_SESSION is None or not boto3.DEFAULT_SESSION.region_name:
    import os

    boto3.setup_default_session(
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    )

from ask_sdk_core.exceptions import PersistenceException  # noqa: E402
from ask_sdk_dynamodb.adapter import DynamoDbAdapter  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402

_DAY = 86400


class VersionedDynamoDbAdapter(DynamoDbAdapter):
    def __init__(
        self,
        table_name: str,
        *,
        region: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        keygen: Callable = user_key,
        retention_days: int = RETENTION_DAYS,
        clock: Callable[[], float] = time.time,
    ):
        self.region = region or DEFAULT_REGION
        self.endpoint_url = endpoint_url
        self.timeout = timeout
        self.retention = retention_days * _DAY
        self.clock = clock
        self._local = threading.local()
        super().__init__(
            table_name,
            partition_key_name="id",
            attribute_name="attributes",
            create_table=False,
            partition_keygen=keygen,
            dynamodb_resource=None,
        )

    # the resource, made on first use ------------------------------------------------------------
    @property
    def dynamodb(self):
        resource = getattr(self._local, "resource", None)
        if resource is None:
            config = Config(
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                retries={"total_max_attempts": 1, "mode": "standard"},
            )
            resource = boto3.DEFAULT_SESSION.resource(
                "dynamodb", region_name=self.region, endpoint_url=self.endpoint_url, config=config
            )
            self._local.resource = resource
        return resource

    @dynamodb.setter
    def dynamodb(self, value) -> None:  # the base class stores its argument (None): ignore it
        if value is not None:
            self._local.resource = value

    def _table(self):
        return self.dynamodb.Table(self.table_name)

    # AbstractPersistenceAdapter -------------------------------------------------------------------
    def get_attributes(self, request_envelope) -> Dict[str, object]:
        key = self.partition_keygen(request_envelope)
        try:
            item = self._table().get_item(Key={self.partition_key_name: key}, ConsistentRead=True).get("Item")
        except (BotoCoreError, ClientError) as exc:
            raise PersistenceException(f"DynamoDB read failed: {_name(exc)}") from exc
        if not item:
            return {}
        rev = _plain(item.get("rev"))
        if type(rev) is not int:
            rev = None
        expires = _plain(item.get("expires"))
        if type(expires) is int and expires < self.clock():
            return {REV: rev} if rev is not None else {"v": None}
        attributes = _plain(item.get(self.attribute_name))
        if not isinstance(attributes, dict):
            attributes = {"v": None}  # damaged: reads as an unknown version
        if rev is not None:
            attributes[REV] = rev
        return attributes

    def save_attributes(self, request_envelope, attributes) -> None:
        key = self.partition_keygen(request_envelope)
        expected = attributes.get(REV)
        new_rev = 1 if expected is None else int(expected) + 1
        item = {
            self.partition_key_name: key,
            self.attribute_name: {k: v for k, v in attributes.items() if k != REV},
            "rev": new_rev,
            "expires": int(self.clock()) + self.retention,
        }
        if expected is None:
            condition = {
                "ConditionExpression": "attribute_not_exists(#id)",
                "ExpressionAttributeNames": {"#id": self.partition_key_name},
            }
        else:
            condition = {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeNames": {"#rev": "rev"},
                "ExpressionAttributeValues": {":rev": int(expected)},
            }
        try:
            self._table().put_item(Item=item, **condition)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise StoreConflict("the record changed since it was read") from exc
            raise PersistenceException(f"DynamoDB write failed: {_name(exc)}") from exc
        except (BotoCoreError, TypeError) as exc:  # TypeError: a float slipped in (boto3 refuses it)
            raise PersistenceException(f"DynamoDB write failed: {_name(exc)}") from exc
        attributes[REV] = new_rev

    def delete_attributes(self, request_envelope) -> None:
        key = self.partition_keygen(request_envelope)
        try:
            self._table().delete_item(Key={self.partition_key_name: key})
        except (BotoCoreError, ClientError) as exc:
            raise PersistenceException(f"DynamoDB delete failed: {_name(exc)}") from exc


def _name(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code") or type(exc).__name__
    return type(exc).__name__


def _plain(value: Any) -> Any:
    """DynamoDB's Decimals back to ints (whole numbers only), through dicts and lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def make_dynamodb_adapter(
    table: str, *, region: Optional[str] = None, endpoint_url: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT
) -> VersionedDynamoDbAdapter:
    return VersionedDynamoDbAdapter(table, region=region, endpoint_url=endpoint_url, timeout=timeout)
