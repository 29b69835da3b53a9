//! CloudWatch's RPC v2 CBOR protocol translated to and from moto's JSON protocol.
//!
//! The current `aws-sdk-cloudwatch` speaks only Smithy RPC v2 CBOR ("RPC v2 CBOR protocol",
//! Smithy protocol specification): `POST /service/GraniteServiceVersion20100801/operation/OP`
//! with `smithy-protocol: rpc-v2-cbor` and a CBOR map of the operation's members; answers carry
//! the same header and a CBOR map, timestamps as tag 1 over epoch seconds, errors as a map with
//! `__type`. moto serves CloudWatch's awsJson1_0 protocol ("X-Amz-Target:
//! GraniteServiceVersion20100801.OP"), whose members have the same names, timestamps as epoch
//! seconds. So the translation is by value: CBOR map <-> JSON object, tag-1 timestamps <->
//! numbers. Only the answer needs to know which members are timestamps; in CloudWatch's model
//! they are the members named `...Timestamp` and `Timestamps`.

use minicbor::data::{IanaTag, Tag, Type};
use serde_json::{Map, Number, Value};

/// CloudWatch's service name in RPC v2 paths and awsJson targets.
pub const CLOUDWATCH: &str = "GraniteServiceVersion20100801";

/// The service and operation of an RPC v2 CBOR request head, if it is one.
pub fn rpc_v2_operation(head: &str) -> Option<(String, String)> {
    let path = head.lines().next()?.split_whitespace().nth(1)?;
    let rest = path.strip_prefix("/service/")?;
    let (service, operation) = rest.split_once("/operation/")?;
    Some((service.to_owned(), operation.to_owned()))
}

/// The JSON value of a CBOR item.
pub fn cbor_to_json(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut decoder = minicbor::Decoder::new(bytes);
    item(&mut decoder).map_err(|e| format!("CBOR: {e}"))
}

fn item(d: &mut minicbor::Decoder<'_>) -> Result<Value, minicbor::decode::Error> {
    Ok(match d.datatype()? {
        Type::Bool => Value::Bool(d.bool()?),
        Type::Null | Type::Undefined => {
            d.skip()?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64()?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => Value::from(d.i64()?),
        Type::F16 | Type::F32 | Type::F64 => float(d.f64()?),
        Type::String | Type::StringIndef => {
            let mut text = String::new();
            for chunk in d.str_iter()? {
                text.push_str(chunk?);
            }
            Value::String(text)
        }
        Type::Array | Type::ArrayIndef => {
            let mut values = Vec::new();
            match d.array()? {
                Some(n) => {
                    for _ in 0..n {
                        values.push(item(d)?);
                    }
                }
                None => {
                    while d.datatype()? != Type::Break {
                        values.push(item(d)?);
                    }
                    d.skip()?;
                }
            }
            Value::Array(values)
        }
        Type::Map | Type::MapIndef => {
            let mut fields = Map::new();
            let mut pair = |d: &mut minicbor::Decoder<'_>| -> Result<(), minicbor::decode::Error> {
                let key = d.str()?.to_owned();
                fields.insert(key, item(d)?);
                Ok(())
            };
            match d.map()? {
                Some(n) => {
                    for _ in 0..n {
                        pair(d)?;
                    }
                }
                None => {
                    while d.datatype()? != Type::Break {
                        pair(d)?;
                    }
                    d.skip()?;
                }
            }
            Value::Object(fields)
        }
        // Tag 1 (epoch seconds) becomes the number awsJson takes for a timestamp.
        Type::Tag => {
            d.tag()?;
            item(d)?
        }
        other => {
            return Err(minicbor::decode::Error::message(format!(
                "CBOR type {other} is not translated"
            )));
        }
    })
}

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// The CBOR of a JSON answer; members named `...Timestamp` or `Timestamps` (CloudWatch's
/// model) or `...Time` (AWS Health's `startTime`, `endTime`, `lastUpdatedTime`, which the
/// SDK speaks RPC v2 CBOR to as well) become tag-1 timestamps, every other number keeps its kind (a JSON float is a CBOR double, as the SDK
/// decodes doubles).
pub fn json_to_cbor(value: &Value) -> Vec<u8> {
    let mut encoder = minicbor::Encoder::new(Vec::new());
    write(&mut encoder, value, false);
    encoder.into_writer()
}

fn write(e: &mut minicbor::Encoder<Vec<u8>>, value: &Value, timestamp: bool) {
    // Writing to a Vec cannot fail.
    let _ = match value {
        Value::Null => e.null().map(drop),
        Value::Bool(b) => e.bool(*b).map(drop),
        Value::Number(n) if timestamp => e
            .tag(Tag::from(IanaTag::Timestamp))
            .and_then(|e| e.f64(n.as_f64().unwrap_or_default()))
            .map(drop),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => e.u64(u).map(drop),
            (None, Some(i)) => e.i64(i).map(drop),
            _ => e.f64(n.as_f64().unwrap_or_default()).map(drop),
        },
        Value::String(s) => e.str(s).map(drop),
        Value::Array(values) => {
            let _ = e.array(values.len() as u64);
            for value in values {
                write(e, value, timestamp);
            }
            Ok(())
        }
        Value::Object(fields) => {
            let _ = e.map(fields.len() as u64);
            for (key, value) in fields {
                let _ = e.str(key);
                let is_timestamp =
                    key.ends_with("Timestamp") || key == "Timestamps" || key.ends_with("Time");
                write(e, value, is_timestamp);
            }
            Ok(())
        }
    };
}

/// moto's awsJson1_0 request for an RPC v2 CBOR one: same credentials headers, the operation
/// as `X-Amz-Target`, the body as JSON. None when the request is not RPC v2 CBOR.
pub fn to_json_request(head: &str, body: &[u8]) -> Option<Result<(String, Vec<u8>), String>> {
    let (service, operation) = rpc_v2_operation(head)?;
    let json = match cbor_to_json(body) {
        Ok(json) => json.to_string().into_bytes(),
        Err(error) => return Some(Err(error)),
    };
    let mut lines: Vec<String> = vec!["POST / HTTP/1.1".to_owned()];
    lines.extend(
        head.lines()
            .skip(1)
            .filter(|line| {
                let name = header_name(line);
                name == "host" || name == "authorization" || name.starts_with("x-amz-")
            })
            .map(str::to_owned),
    );
    lines.push(format!("X-Amz-Target: {service}.{operation}"));
    lines.push("Content-Type: application/x-amz-json-1.0".to_owned());
    lines.push(format!("Content-Length: {}", json.len()));
    let head = lines.join("\r\n") + "\r\n\r\n";
    Some(Ok((head, json)))
}

/// The RPC v2 CBOR answer for moto's whole JSON answer (head and body): the status, the
/// request id and the query-compatible error header kept, the body as CBOR.
pub fn to_cbor_answer(answer: &[u8]) -> Vec<u8> {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |at| at + 4);
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head.split_whitespace().nth(1).unwrap_or("500");
    let body = serde_json::from_slice::<Value>(&answer[split..])
        .unwrap_or_else(|_| Value::Object(Map::new()));
    let cbor = json_to_cbor(&body);
    let mut lines: Vec<String> = vec![
        format!("HTTP/1.1 {status} Answer"),
        "smithy-protocol: rpc-v2-cbor".to_owned(),
        "Content-Type: application/cbor".to_owned(),
        format!("Content-Length: {}", cbor.len()),
    ];
    lines.extend(
        head.lines()
            .skip(1)
            .filter(|line| {
                matches!(
                    header_name(line).as_str(),
                    "x-amzn-requestid" | "x-amzn-query-error"
                )
            })
            .map(str::to_owned),
    );
    let mut reply = (lines.join("\r\n") + "\r\n\r\n").into_bytes();
    reply.extend_from_slice(&cbor);
    reply
}

fn header_name(line: &str) -> String {
    line.split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}
